package org.jstgt.shell;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.karaf.config.core.ConfigRepository;
import org.jstgt.api.Pids;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The factory configurations the commands read and write, through Config Admin and a file in
 * {@code etc/} for each, so that every change survives a restart.
 *
 * <p>Files are written here ({@link CfgFile}), each in one rename, and Config Admin then gets the
 * values written with the file's name, never a read-back of the file (see {@link #update}).
 * FileInstall writes back only to a file that already exists, so a configuration merely created in
 * Config Admin would get no file. A new instance is {@code etc/<factoryPid>-<name>.cfg} with the
 * named factory configuration {@code <factoryPid>~<name>} that
 * {@link ConfigurationAdmin#getFactoryConfiguration(String, String, String)} makes. That PID is also
 * the one FileInstall gives the file when it reads it, so a scan between the file being written and
 * the configuration being updated finds the same configuration instead of making a second one.
 * A singleton without a file is left to {@code ConfigRepository.update}, which names the file
 * after the PID.
 */
final class ConfigStore {
    /** Keys Config Admin and FileInstall add, never written into a file by the commands. */
    private static final Set<String> MANAGED_KEYS = Set.of(Constants.SERVICE_PID,
            ConfigurationAdmin.SERVICE_FACTORYPID, ConfigurationAdmin.SERVICE_BUNDLELOCATION,
            Pids.FILEINSTALL_FILENAME);

    /**
     * One factory configuration.
     *
     * @param name the instance name ({@code <name>} of {@code etc/<factoryPid>-<name>.cfg})
     * @param pid its PID
     * @param origin the file, or the PID when it has none, for messages
     * @param file the file FileInstall reads it from, or null
     * @param properties its properties as Config Admin holds them: placeholders such as
     *     {@code $[secret:x]} unresolved; without the keys Config Admin and FileInstall add
     */
    record Instance(String name, String pid, String origin, Path file, Map<String, Object> properties) {
        Instance {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        /** @return the value of a key as text, or null */
        String get(String key) {
            Object v = properties.get(key);
            return v == null ? null : v.toString();
        }
    }

    private final ConfigRepository repository;
    private final Path etc;

    /**
     * @param repository Karaf's configuration repository
     * @param etc the directory new files go to (Karaf's {@code karaf.etc})
     */
    ConfigStore(ConfigRepository repository, Path etc) {
        this.repository = repository;
        this.etc = etc;
    }

    /** @return a store writing to {@code karaf.etc}, as {@code ConfigRepository} does */
    static ConfigStore of(ConfigRepository repository) {
        String dir = System.getProperty("karaf.etc");
        return new ConfigStore(repository, Paths.get(dir == null ? "etc" : dir));
    }

    /**
     * @param factoryPid the factory PID
     * @return its instances, by name
     */
    List<Instance> list(String factoryPid) throws IOException {
        List<Instance> out = new ArrayList<>();
        for (Configuration c : configurations(ConfigurationAdmin.SERVICE_FACTORYPID, factoryPid)) {
            Map<String, Object> all = properties(c);
            out.add(instance(name(factoryPid, c.getPid(), all), c.getPid(), all));
        }
        out.sort(Comparator.comparing(Instance::name));
        return out;
    }

    /**
     * @param pid a singleton PID such as {@link Pids#DISCOVERY}
     * @return its configuration, named after the PID, when it is configured
     */
    Optional<Instance> singleton(String pid) throws IOException {
        return configurations(Constants.SERVICE_PID, pid).stream().findFirst()
                .map(c -> instance(pid, pid, properties(c)));
    }

    private static Instance instance(String name, String pid, Map<String, Object> all) {
        Map<String, Object> own = new LinkedHashMap<>(all);
        own.keySet().removeAll(MANAGED_KEYS);
        return new Instance(name, pid, Pids.origin(all), file(all.get(Pids.FILEINSTALL_FILENAME)), own);
    }

    /** @return the configurations whose key has the value, leaving out those never updated */
    private List<Configuration> configurations(String key, String value) throws IOException {
        Configuration[] found;
        try {
            found = repository.getConfigAdmin().listConfigurations("(" + key + "=" + value + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(key + "=" + value, e);
        }
        List<Configuration> out = new ArrayList<>();
        for (Configuration c : found == null ? new Configuration[0] : found) {
            if (c.getProperties() != null) {
                out.add(c);
            }
        }
        return out;
    }

    private static Map<String, Object> properties(Configuration c) {
        Dictionary<String, Object> d = c.getProperties();
        Map<String, Object> all = new LinkedHashMap<>();
        if (d != null) {
            for (String k : Collections.list(d.keys())) {
                all.put(k, d.get(k));
            }
        }
        return all;
    }

    /**
     * @param factoryPid the factory PID
     * @param name an instance name
     * @return the instance of that name
     */
    Optional<Instance> find(String factoryPid, String name) throws IOException {
        return list(factoryPid).stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * Creates {@code etc/<factoryPid>-<name>.cfg} and its configuration.
     *
     * @param factoryPid the factory PID
     * @param name the instance name
     * @param properties its keys
     * @param ownerOnly create the file readable by its owner only (it holds secrets)
     * @return the file
     */
    Path create(String factoryPid, String name, Map<String, Object> properties, boolean ownerOnly)
            throws IOException {
        Path file = file(factoryPid, name);
        Map<String, Object> p = writable(properties);
        boolean leftover = Files.exists(file);
        Configuration c = repository.getConfigAdmin().getFactoryConfiguration(factoryPid, name, "?");
        CfgFile.create(file, p, ownerOnly);
        Hashtable<String, Object> d = new Hashtable<>(p);
        d.put(Pids.FILEINSTALL_FILENAME, fileInstallName(file));
        try {
            c.update(d);
        } catch (IOException | RuntimeException e) {
            if (!leftover) {
                Files.deleteIfExists(file);
            }
            throw e;
        }
        return file;
    }

    /**
     * Replaces an instance's keys; the file keeps its comments and the layout of unchanged keys.
     *
     * @param instance the instance
     * @param properties all its keys, as they should be
     */
    void update(Instance instance, Map<String, Object> properties) throws IOException {
        write(instance.pid(), instance.file(), writable(properties));
    }

    /**
     * Writes a singleton configuration, creating it when it is not configured yet. An existing
     * file keeps its comments and the layout of unchanged keys; without one, ConfigRepository
     * (Karaf 4.4) names the file after the PID, {@code <karaf.etc>/<pid>.cfg}, the name FileInstall
     * gives that PID when it reads the file.
     *
     * @param pid a singleton PID such as {@link Pids#DISCOVERY}
     * @param properties all its keys, as they should be
     */
    void updateSingleton(String pid, Map<String, Object> properties) throws IOException {
        Optional<Instance> was = singleton(pid);
        write(pid, was.map(Instance::file).orElse(null), writable(properties));
    }

    /**
     * Writes a configuration: its file, when it has one, then Config Admin, with exactly the values
     * written. Karaf's {@code ConfigRepository.update} saves the file and then reads it back for
     * Config Admin; FileInstall writes the file too, from each earlier change, a moment after it.
     * When two commands change one configuration quickly, that write-back of the first lands between
     * the second's save and its read-back, and the second change was lost, or a half-written file
     * went to Config Admin. So a file that exists is rewritten here ({@link CfgFile}) and never
     * read back; a late write-back then writes what Config Admin holds, which is this change.
     */
    private void write(String pid, Path file, Map<String, Object> properties) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            repository.update(pid, properties);
            return;
        }
        Configuration c = repository.getConfigAdmin().getConfiguration(pid, "?");
        Dictionary<String, Object> held = c.getProperties();
        Object name = held == null ? null : held.get(Pids.FILEINSTALL_FILENAME);
        Set<String> keys = new HashSet<>(held == null ? List.of() : Collections.list(held.keys()));
        keys.removeAll(MANAGED_KEYS);
        CfgFile.rewrite(file, keys, properties);
        Hashtable<String, Object> d = new Hashtable<>(properties);
        d.put(Pids.FILEINSTALL_FILENAME, name != null ? name : fileInstallName(file));
        c.update(d);
    }

    /** FileInstall's name for a file: the directory it watches, canonical, then the file's name. */
    private static String fileInstallName(Path file) throws IOException {
        return new java.io.File(file.getParent().toFile().getCanonicalFile(), file.getFileName().toString()).toURI()
                .toString();
    }

    /**
     * Deletes an instance. FileInstall deletes the file when Config Admin reports the deletion;
     * the file is also removed here, for installations that do not write configurations back.
     *
     * @param instance the instance
     */
    void delete(Instance instance) throws Exception {
        repository.delete(instance.pid());
        if (instance.file() != null) {
            Files.deleteIfExists(instance.file());
        }
    }

    /** @return {@code <etc>/<pid>.cfg}, the file of a singleton PID */
    Path singletonFile(String pid) {
        return etc.resolve(pid + ".cfg");
    }

    /** @return {@code <etc>/<factoryPid>-<name>.cfg} */
    Path file(String factoryPid, String name) {
        return etc.resolve(factoryPid + "-" + name + ".cfg");
    }

    /**
     * @param instance an instance
     * @return the permissions of its file when group or others may read it, else empty
     */
    static Optional<String> readableByOthers(Instance instance) {
        Path file = instance.file();
        try {
            if (file == null || !Files.exists(file)) {
                return Optional.empty();
            }
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                return Optional.of(PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
        return Optional.empty();
    }

    /** @return the file a {@code felix.fileinstall.filename} value names, or null */
    private static Path file(Object url) {
        if (url == null) {
            return null;
        }
        try {
            return Paths.get(URI.create(url.toString()));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    private static Map<String, Object> writable(Map<String, Object> properties) {
        Map<String, Object> p = new LinkedHashMap<>(properties);
        p.keySet().removeAll(MANAGED_KEYS);
        return p;
    }

    /** The instance name; a named factory configuration without a file is {@code <factoryPid>~<name>}. */
    private static String name(String factoryPid, String pid, Map<String, Object> properties) {
        String n = Pids.instanceName(factoryPid, properties);
        if (n.equals(pid) && pid.startsWith(factoryPid + "~")) {
            return pid.substring(factoryPid.length() + 1);
        }
        return n;
    }
}
