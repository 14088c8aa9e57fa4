package org.jstgt.shell.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Map;

import org.jstgt.shell.FakeConfigAdmin;
import org.jstgt.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

class AtomicWriteBackTest {
    private static final String LUN = "# the demo disk\n"
            + "# its type\n"
            + "device.type = disk\n"
            + "# where it lives\n"
            + "store.path = ${test.data}/disk0.img\n"
            + "# its size\n"
            + "size = 1GiB\n"
            + "# the end\n";
    private static final Map<String, String> OFF = Map.of(AtomicWriteBack.ENABLE_KEY, "false", "test.data", "/data");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path etc;
    private final FakeConfigAdmin admin = new FakeConfigAdmin();
    private AtomicWriteBack writeBack;

    @BeforeEach
    void setUp() throws Exception {
        // what FileInstall hands Config Admin: the placeholder resolved
        admin.fromFile(etc, "jstgt.lun", "disk0", LUN.replace("${test.data}", "/data"));
        Files.writeString(file(), LUN);
    }

    @AfterEach
    void tearDown() {
        if (writeBack != null) {
            writeBack.deactivate();
        }
    }

    private Path file() {
        return etc.resolve("jstgt.lun-disk0.cfg");
    }

    private AtomicWriteBack start(Map<String, String> framework, long recheckMs) {
        writeBack = new AtomicWriteBack(admin, framework::get, recheckMs);
        return writeBack;
    }

    private void set(String key, Object value) {
        FakeConfigAdmin.Config c = admin.get("jstgt.lun~disk0");
        Dictionary<String, Object> d = c.getProperties();
        if (value == null) {
            d.remove(key);
        } else {
            d.put(key, value);
        }
        c.update(d);
    }

    private Object fileKey(String key) throws Exception {
        return org.jstgt.shell.CfgFile.values(file(), OFF::get).get(key);
    }

    @SuppressWarnings("unchecked")
    private static ConfigurationEvent event(int type, String pid) {
        ServiceReference<ConfigurationAdmin> ref = (ServiceReference<ConfigurationAdmin>) Proxy.newProxyInstance(
                AtomicWriteBackTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> method.getName().equals("hashCode") ? 0 : null);
        return new ConfigurationEvent(ref, type, "jstgt.lun", pid);
    }

    private static Object fileIdentity(Path p) throws Exception {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    @Test
    void followsFileInstallsSwitch() {
        assertTrue(AtomicWriteBack.fileInstallWritesBack(k -> null), "FileInstall writes back by default");
        assertFalse(AtomicWriteBack.fileInstallWritesBack(Map.of(AtomicWriteBack.ENABLE_KEY, "false")::get));
        // FileInstall reads its older key with the same sense as the newer one
        assertFalse(AtomicWriteBack.fileInstallWritesBack(Map.of(AtomicWriteBack.DISABLE_KEY, "false")::get));
        assertTrue(AtomicWriteBack.fileInstallWritesBack(Map.of(AtomicWriteBack.ENABLE_KEY, "true")::get));
    }

    @Test
    void doesNothingWhereFileInstallWritesBack() throws Exception {
        AtomicWriteBack w = start(Map.of(), 50);
        assertFalse(w.active());
        set("size", "2GiB");
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        w.check("jstgt.lun~disk0", true);
        Thread.sleep(200);
        assertEquals(LUN, Files.readString(file()));
    }

    @Test
    void writesAProgramsChangeInOneRenameWithCommentsAndPlaceholdersKept() throws Exception {
        AtomicWriteBack w = start(OFF, 50);
        Object before = fileIdentity(file());
        set("size", "2GiB");
        set("alua.state", "standby");
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        Await.until(WAIT, "the change written back", () -> "standby".equals(fileKey("alua.state")));
        assertEquals(LUN.replace("size = 1GiB", "size = 2GiB").replace("# the end\n", "alua.state = standby\n# the end\n"),
                Files.readString(file()), "comments, order and the placeholder kept; the new key before the closing comment");
        assertNotEquals(before, fileIdentity(file()), "a new file renamed over the old one, never written in place");
        try (var left = Files.list(etc)) {
            assertEquals(1, left.count(), "no temporary file left in etc/");
        }
    }

    @Test
    void leavesAFileThatHoldsTheConfigurationAlone() throws Exception {
        AtomicWriteBack w = start(OFF, 50);
        Object before = fileIdentity(file());
        w.check("jstgt.lun~disk0", true);
        assertEquals(before, fileIdentity(file()));
        assertEquals(LUN, Files.readString(file()));
    }

    /**
     * FileInstall read the file while it was being written in place and handed Config Admin its
     * first keys, the last one cut short; its next poll reads the whole file. The file is left as
     * it is. Fails with FileInstall's rule (write back at each change), which cuts the file.
     */
    @Test
    void leavesAFileReadInPartToFileInstallsNextRead() throws Exception {
        assertLeftForTheNextRead(() -> {
            set("size", null);
            set("store.path", "/da");
        });
    }

    /**
     * Config Admin gets {@code partRead}, then, as FileInstall's next poll reads the whole file,
     * the file's keys again: the file is never written.
     */
    private void assertLeftForTheNextRead(Runnable partRead) throws Exception {
        AtomicWriteBack w = start(OFF, 300);
        Object before = fileIdentity(file());
        partRead.run();
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        Thread.sleep(100);
        set("store.path", "/data/disk0.img");
        set("size", "1GiB");
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        Thread.sleep(800);
        assertEquals(LUN, Files.readString(file()));
        assertEquals(before, fileIdentity(file()), "not written at all");
    }

    @Test
    void removesKeysAProgramRemovedThroughConfigAdmin() throws Exception {
        AtomicWriteBack w = start(OFF, 100);
        set("size", null);
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        Await.until(WAIT, "size removed from the file", () -> fileKey("size") == null);
        assertTrue(Files.readString(file()).contains("store.path = ${test.data}/disk0.img"),
                "the placeholder of a key that did not change is kept");
    }

    @Test
    void writesWhatWaitsWhenItStops() throws Exception {
        AtomicWriteBack w = start(OFF, 60_000);
        set("size", null);
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        Thread.sleep(200);
        assertEquals("1GiB", fileKey("size"), "waiting");
        w.deactivate();
        assertEquals(null, fileKey("size"));
    }

    /**
     * FileInstall read a file that an editor was writing, cut in the value of its last key: no key
     * is missing, but the value is the start of the file's. It waits for FileInstall's next read.
     */
    @Test
    void waitsWithAValueCutShort() throws Exception {
        assertLeftForTheNextRead(() -> set("size", "1G"));
    }

    /**
     * A program's change made before FileInstall first read a new file (lun-create, then the
     * change): written at once, so that FileInstall's read of the file does not take it back.
     */
    @Test
    void writesAProgramsChangeAtOnce() throws Exception {
        AtomicWriteBack w = start(OFF, 60_000);
        set("alua.state", "standby");
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~disk0"));
        Await.until(Duration.ofSeconds(5), "written well before the second look",
                () -> "standby".equals(fileKey("alua.state")));
    }

    @Test
    void deletesTheFileOfADeletedConfiguration() throws Exception {
        AtomicWriteBack w = start(OFF, 50);
        admin.get("jstgt.lun~disk0").delete();
        w.deleted("jstgt.lun~disk0");
        assertFalse(Files.exists(file()));
    }

    /** lun-create, then config:delete before the look at the new configuration. */
    @Test
    void deletesTheFileOfAConfigurationDeletedBeforeItsLook() throws Exception {
        AtomicWriteBack w = start(OFF, 60_000);
        Path file = etc.resolve("jstgt.lun-ram1.cfg");
        admin.fromFile(etc, "jstgt.lun", "ram1", "device.type = disk\nstore.type = memory\n");
        w.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "jstgt.lun~ram1"));
        admin.get("jstgt.lun~ram1").delete();
        w.configurationEvent(event(ConfigurationEvent.CM_DELETED, "jstgt.lun~ram1"));
        Await.until(WAIT, file + " deleted", () -> !Files.exists(file));
        assertTrue(Files.exists(file()), "the other LUN's file stays");
    }

    @Test
    void keepsAFileThatAConfigurationCreatedSinceNames() throws Exception {
        AtomicWriteBack w = start(OFF, 50);
        // lun-delete disk0, then lun-create disk0 at once: the event of the deletion comes after
        FakeConfigAdmin.Config old = admin.get("jstgt.lun~disk0");
        Dictionary<String, Object> d = old.getProperties();
        old.delete();
        FakeConfigAdmin.Config again = (FakeConfigAdmin.Config) admin.createFactoryConfiguration("jstgt.lun", "?");
        d.remove("service.pid");
        again.update(d);
        w.deleted("jstgt.lun~disk0");
        assertEquals(LUN, Files.readString(file()));
    }
}
