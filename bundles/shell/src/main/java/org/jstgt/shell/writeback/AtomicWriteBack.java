package org.jstgt.shell.writeback;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.apache.felix.utils.properties.InterpolationHelper;
import org.jstgt.shell.CfgFile;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a configuration that a program changed through Config Admin back to its {@code etc/}
 * file, in one rename, where FileInstall's own write-back is turned off
 * ({@code felix.fileinstall.enableConfigSave = false}, as jstgt's distribution ships it).
 *
 * <p>FileInstall writes a configuration back in place after every change, its own reads of the
 * file included: it truncates the file, then writes it. Its scanner does not wait for a file it
 * knows to settle, so a poll that falls in that moment reads the file empty or cut, hands Config
 * Admin that part, and the write-back then removes every key the part lacked from the file, for
 * good. This class does the write-back's work without that moment:
 * <ul>
 * <li>A file holding what Config Admin holds is left alone: the shell, Karaf's {@code config:}
 * commands and the features service write the file before they change the configuration, so
 * FileInstall's scanner gets nothing more to read.</li>
 * <li>A program's change (an ALUA state, {@code log:set}) is written at once, before FileInstall's
 * next poll could take the older file for the truth: the file gets Config Admin's keys through
 * {@link CfgFile#rewrite}, comments, order and placeholders kept, in one rename.</li>
 * <li>A configuration that lacks keys of its file, or holds a value that is the start of the
 * file's, looks like what FileInstall reads of a file being written in place (by an editor, or
 * Karaf's {@code config:update}). It is looked at again a few seconds later, longer than
 * FileInstall's poll, by when FileInstall has read the whole file; what still differs then is a
 * program's removal, and is written.</li>
 * <li>A configuration deleted has its file deleted, as FileInstall's write-back would, unless
 * another configuration names that file now (deleted and created again under the same name).</li>
 * <li>When the bundle stops, what waits is written at once.</li>
 * </ul>
 * Where FileInstall's write-back is on (a Karaf set up otherwise) this class does nothing, so that
 * a file is never written twice.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public final class AtomicWriteBack implements ConfigurationListener {
    /** The key FileInstall records a configuration's file under, a {@code file:} URI. */
    public static final String FILE_KEY = "felix.fileinstall.filename";
    static final String ENABLE_KEY = "felix.fileinstall.enableConfigSave";
    static final String DISABLE_KEY = "felix.fileinstall.disableConfigSave";
    /**
     * How long a configuration that looks read in part waits for its second look: longer than
     * FileInstall's poll (1 s), so that it read the whole file again.
     */
    static final long RECHECK_MS = 3_000;
    private static final Logger LOG = LoggerFactory.getLogger(AtomicWriteBack.class);

    private final ConfigurationAdmin configAdmin;
    private final UnaryOperator<String> lookup;
    private final long recheckMs;
    private final boolean active;
    private final Map<String, Path> files = new ConcurrentHashMap<>();
    /** The configurations changed and waiting for their look. */
    private final Map<String, Boolean> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jstgt-config-write-back");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public AtomicWriteBack(@Reference ConfigurationAdmin configAdmin, BundleContext context) {
        // placeholders resolved as FileInstall resolves them: env:NAME, the framework's, the system's
        this(configAdmin, new InterpolationHelper.BundleContextSubstitutionCallback(context)::getValue, RECHECK_MS);
    }

    /**
     * @param lookup the framework's properties, for FileInstall's switch and the placeholders of
     *     a file
     * @param recheckMs how long a configuration that looks read in part waits for its second look
     */
    AtomicWriteBack(ConfigurationAdmin configAdmin, UnaryOperator<String> lookup, long recheckMs) {
        this.configAdmin = configAdmin;
        this.lookup = lookup;
        this.recheckMs = recheckMs;
        this.active = !fileInstallWritesBack(lookup);
        if (!active) {
            LOG.debug("FileInstall writes configurations back itself ({} is not false)", ENABLE_KEY);
            return;
        }
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            for (Configuration c : all == null ? new Configuration[0] : all) {
                Path file = fileOf(c.getProperties());
                if (file != null) {
                    files.put(c.getPid(), file);
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("the files of the configurations so far are not known ({}): deleting one of those "
                    + "configurations leaves its file in etc/", e.toString());
        }
    }

    /** FileInstall's own rule: enableConfigSave, else disableConfigSave (read the same way), else on. */
    static boolean fileInstallWritesBack(UnaryOperator<String> lookup) {
        String v = lookup.apply(ENABLE_KEY);
        if (v == null) {
            v = lookup.apply(DISABLE_KEY);
        }
        return v == null || Boolean.parseBoolean(v);
    }

    boolean active() {
        return active;
    }

    /** Writes what waits for its second look now: the process may be stopping. */
    @Deactivate
    void deactivate() {
        thread.shutdownNow();
        for (String pid : pending.keySet()) {
            check(pid, true);
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!active) {
            return;
        }
        String pid = event.getPid();
        try {
            if (event.getType() == ConfigurationEvent.CM_UPDATED) {
                // the file is known at once, for a deletion that comes before the look
                Configuration c = find(pid);
                Path file = c == null ? null : fileOf(c.getProperties());
                if (file != null) {
                    files.put(pid, file);
                }
                thread.execute(() -> check(pid, false));
            } else if (event.getType() == ConfigurationEvent.CM_DELETED) {
                thread.execute(() -> deleted(pid));
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: not written back, the bundle is stopping", pid);
        }
    }

    /**
     * Writes the configuration to its file when the two differ. One that looks taken from a file
     * read in part waits for a second look, by when FileInstall has read the whole file again.
     *
     * @param second the second look: what still differs is written
     */
    void check(String pid, boolean second) {
        if (!active) {
            return;
        }
        if (second) {
            pending.remove(pid);
        }
        Configuration c = find(pid);
        long change = c == null ? 0 : c.getChangeCount();
        Dictionary<String, Object> d = c == null ? null : c.getProperties();
        Path file = fileOf(d);
        if (file == null) {
            return;
        }
        files.put(pid, file);
        if (!Files.isRegularFile(file) || !handled(file)) {
            return;
        }
        Map<String, Object> held = ownKeys(d);
        try {
            Map<String, Object> inFile = CfgFile.values(file, lookup);
            if (same(held, inFile)) {
                return;
            }
            if (!second && partOf(held, inFile)) {
                if (pending.putIfAbsent(pid, Boolean.TRUE) == null) {
                    LOG.debug("{}: lacks keys of {} or holds a value cut short; looked at again in {} ms", pid,
                            file, recheckMs);
                    thread.schedule(() -> check(pid, true), recheckMs, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (c.getChangeCount() != change) {
                return; // changed again meanwhile: its own look follows
            }
            CfgFile.rewrite(file, Collections.emptySet(), held, lookup);
            LOG.info("{}: written back to {}", pid, file);
        } catch (IOException e) {
            LOG.warn("{}: not written back to {}: {}; the change holds until Karaf restarts", pid, file,
                    e.toString());
        }
    }

    void deleted(String pid) {
        Path file = active ? files.remove(pid) : null;
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            Configuration[] named = configAdmin.listConfigurations("(" + FILE_KEY + "=*)");
            for (Configuration c : named == null ? new Configuration[0] : named) {
                Path other = fileOf(c.getProperties());
                if (other != null && sameFile(other, file)) {
                    LOG.debug("{}: {} is kept, {} names it now", pid, file, c.getPid());
                    return;
                }
            }
            Files.deleteIfExists(file);
            LOG.info("{}: deleted, and {} with it", pid, file);
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("{}: deleted, but {} was not: {}; delete it by hand, or it defines the configuration again at "
                    + "the next restart", pid, file, e.toString());
        }
    }

    /**
     * Whether Config Admin's keys look like what FileInstall reads of a file being written: a key
     * of the file missing, or a text value that is the start of the file's.
     */
    static boolean partOf(Map<String, Object> held, Map<String, Object> inFile) {
        if (!held.keySet().containsAll(inFile.keySet())) {
            return true;
        }
        for (Map.Entry<String, Object> e : held.entrySet()) {
            Object f = inFile.get(e.getKey());
            if (e.getValue() instanceof String v && f instanceof String t && !t.equals(v) && t.startsWith(v)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the file holds exactly Config Admin's keys and values. */
    static boolean same(Map<String, Object> held, Map<String, Object> inFile) {
        if (!held.keySet().equals(inFile.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : held.entrySet()) {
            if (!Objects.deepEquals(e.getValue(), inFile.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private Configuration find(String pid) {
        try {
            Configuration[] c = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + escape(pid) + ")");
            return c == null ? null : c[0];
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("{}: not written back: {}", pid, e.toString());
            return null;
        }
    }

    /** The keys a file holds: all but Config Admin's and FileInstall's own. */
    private static Map<String, Object> ownKeys(Dictionary<String, Object> d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Enumeration<String> keys = d.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            if (!Constants.SERVICE_PID.equals(k) && !ConfigurationAdmin.SERVICE_FACTORYPID.equals(k)
                    && !FILE_KEY.equals(k) && !"service.bundleLocation".equals(k)) {
                m.put(k, d.get(k));
            }
        }
        return m;
    }

    /** @return the file a configuration was read from, or null */
    static Path fileOf(Dictionary<String, Object> d) {
        Object name = d == null ? null : d.get(FILE_KEY);
        if (name == null) {
            return null;
        }
        try {
            URI u = URI.create(name.toString());
            return "file".equals(u.getScheme()) ? Path.of(u) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** FileInstall's configuration files. */
    private static boolean handled(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".cfg") || n.endsWith(".config");
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char ch : value.toCharArray()) {
            if (ch == '(' || ch == ')' || ch == '*' || ch == '\\') {
                b.append('\\');
            }
            b.append(ch);
        }
        return b.toString();
    }
}
