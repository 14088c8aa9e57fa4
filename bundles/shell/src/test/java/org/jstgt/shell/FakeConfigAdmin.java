package org.jstgt.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * An in-memory Config Admin behaving as Felix Config Admin 1.9 does where the commands depend on
 * it: named factory configurations are {@code <factoryPid>~<name>}, a configuration made by
 * {@code getFactoryConfiguration} is found again by {@code getConfiguration(pid)}, and only
 * configurations that were updated are listed. No plugins: placeholders stay as written.
 */
final class FakeConfigAdmin implements ConfigurationAdmin {
    private final Map<String, Config> configs = new LinkedHashMap<>();
    private int generated;
    /** Called after each update, on the updating thread, as Config Admin queues its event. */
    private volatile java.util.function.Consumer<Config> updated = c -> { };

    /** @param listener told of every update after it is applied, as a configuration event */
    void onUpdate(java.util.function.Consumer<Config> listener) {
        updated = listener;
    }

    /** What FileInstall does for {@code etc/<factoryPid>-<name>.cfg}: a named factory configuration. */
    Config fromFile(Path etc, String factoryPid, String name, String text) throws IOException {
        return fromFile(etc.resolve(factoryPid + "-" + name + ".cfg"), text,
                (Config) getFactoryConfiguration(factoryPid, name, "?"));
    }

    /** What FileInstall does for {@code etc/<pid>.cfg}: the configuration of a singleton PID. */
    Config fromFile(Path etc, String pid, String text) throws IOException {
        return fromFile(etc.resolve(pid + ".cfg"), text, (Config) getConfiguration(pid, "?"));
    }

    private static Config fromFile(Path file, String text, Config c) throws IOException {
        Files.writeString(file, text);
        java.util.Properties p = new java.util.Properties();
        p.load(new java.io.StringReader(text));
        Hashtable<String, Object> d = new Hashtable<>();
        p.forEach((k, v) -> d.put(k.toString(), v.toString()));
        // as FileInstall names it: File.toURI, "file:/..."
        d.put("felix.fileinstall.filename", file.toFile().getAbsoluteFile().toURI().toString());
        c.update(d);
        return c;
    }

    /** @return the configuration of that PID, or null */
    Config get(String pid) {
        return configs.get(pid);
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid) {
        return createFactoryConfiguration(factoryPid, null);
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid, String location) {
        return configs.computeIfAbsent(factoryPid + "." + (++generated), p -> new Config(p, factoryPid));
    }

    @Override
    public Configuration getConfiguration(String pid, String location) {
        return configs.computeIfAbsent(pid, p -> new Config(p, null));
    }

    @Override
    public Configuration getConfiguration(String pid) {
        return getConfiguration(pid, null);
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
        return configs.computeIfAbsent(factoryPid + "~" + name, p -> new Config(p, factoryPid));
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name) {
        return getFactoryConfiguration(factoryPid, name, null);
    }

    @Override
    public Configuration[] listConfigurations(String filter) throws InvalidSyntaxException {
        Filter f = filter == null ? null : FrameworkUtil.createFilter(filter);
        List<Configuration> out = new ArrayList<>();
        for (Config c : configs.values()) {
            Dictionary<String, Object> d = c.getProperties();
            if (d != null && (f == null || f.match(d))) {
                out.add(c);
            }
        }
        return out.isEmpty() ? null : out.toArray(new Configuration[0]);
    }

    /** One configuration. */
    final class Config implements Configuration {
        private final String pid;
        private final String factoryPid;
        private volatile Hashtable<String, Object> properties;
        private volatile long changes;

        Config(String pid, String factoryPid) {
            this.pid = pid;
            this.factoryPid = factoryPid;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public String getFactoryPid() {
            return factoryPid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            if (properties == null) {
                return null;
            }
            Hashtable<String, Object> d = new Hashtable<>(properties);
            d.put("service.pid", pid);
            if (factoryPid != null) {
                d.put("service.factoryPid", factoryPid);
            }
            return d;
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> d) {
            Hashtable<String, Object> copy = new Hashtable<>();
            for (String k : Collections.list(d.keys())) {
                copy.put(k, d.get(k));
            }
            properties = copy;
            changes++;
            updated.accept(this);
        }

        @Override
        public void delete() {
            configs.remove(pid);
        }

        @Override
        public void update() {
            changes++;
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> d) {
            update(d);
            return true;
        }

        @Override
        public void setBundleLocation(String location) {
        }

        @Override
        public String getBundleLocation() {
            return "?";
        }

        @Override
        public long getChangeCount() {
            return changes;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... attrs) {
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return EnumSet.noneOf(ConfigurationAttribute.class);
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... attrs) {
        }
    }
}
