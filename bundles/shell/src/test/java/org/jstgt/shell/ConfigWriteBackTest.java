package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.felix.utils.properties.TypedProperties;
import org.jstgt.api.Pids;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that change one configuration back to back, while FileInstall writes every change back
 * to its file a moment later, as it does in Karaf. Seen on a running target: of 120 alternating
 * {@code lun-offline} and {@code lun-online} run in one shell line, 3 were undone at once, because
 * the write-back of the one before landed between Karaf's save of the file and its read-back.
 */
class ConfigWriteBackTest {
    /** Longer than a page, as the shipped files are, with a key past the first page. */
    private static final String DISK = "# the database disk\ndevice.type = disk\nstore.type = file\n"
            + "store.path = /srv/luns/db.img\nsize = 2GiB\n"
            + "# a comment line of the kind the shipped files have, long enough to matter here\n".repeat(60)
            + "read.only = false\n# the last comment\n";
    private static final Set<String> MANAGED = Set.of("service.pid", "service.factoryPid", Pids.FILEINSTALL_FILENAME);
    private static final int CHANGES = 400;

    @TempDir
    Path etc;
    @TempDir
    Path data;
    private ShellFixture f;
    private final ExecutorService eventThread = Executors.newSingleThreadExecutor();
    private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        f.cm.fromFile(etc, "jstgt.lun", "db", DISK);
        f.cm.onUpdate(c -> eventThread.execute(() -> writeBack(c)));
    }

    @AfterEach
    void tearDown() throws Exception {
        eventThread.shutdownNow();
        eventThread.awaitTermination(10, TimeUnit.SECONDS);
        f.close();
    }

    /** What FileInstall 3.7 does on a configuration event: what Config Admin holds now, into the file, in place. */
    private void writeBack(FakeConfigAdmin.Config c) {
        try {
            Dictionary<String, Object> now = c.getProperties();
            Path file = Path.of(URI.create(now.get(Pids.FILEINSTALL_FILENAME).toString()));
            TypedProperties p = new TypedProperties();
            p.load(file.toFile());
            for (String key : new ArrayList<>(p.keySet())) {
                if (now.get(key) == null) {
                    p.remove(key);
                }
            }
            for (String key : Collections.list(now.keys())) {
                if (!MANAGED.contains(key)) {
                    p.put(key, now.get(key));
                }
            }
            try (Writer w = new OutputStreamWriter(new FileOutputStream(file.toFile()), StandardCharsets.ISO_8859_1)) {
                p.save(w);
            }
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    @Test
    void backToBackOfflineAndOnlineAllHoldWhileFileInstallWritesEachBack() throws Exception {
        LunDefinitions luns = new LunDefinitions(f.store, f.out, data);
        for (int i = 0; i < CHANGES; i++) {
            boolean offline = i % 2 == 0;
            luns.offline("db", offline, false);
            Object held = f.cm.get("jstgt.lun~db").getProperties().get("offline");
            assertEquals(Boolean.toString(offline), held, "change " + i + " is what Config Admin holds");
            assertEquals("/srv/luns/db.img", f.cm.get("jstgt.lun~db").getProperties().get("store.path"),
                    "change " + i + " kept the other keys");
        }
        eventThread.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), failures);
        assertFalse(f.output().contains("already"), "no change was found undone");
        Path file = etc.resolve("jstgt.lun-db.cfg");
        assertEquals("false", ShellFixture.read(file).getProperty("offline"));
        assertEquals("/srv/luns/db.img", ShellFixture.read(file).getProperty("store.path"));
        // the new key goes after the last key, before the file's closing comment
        assertEquals(DISK.replace("read.only = false\n", "read.only = false\noffline = false\n"),
                Files.readString(file, StandardCharsets.ISO_8859_1), "every comment kept, in place");
    }
}
