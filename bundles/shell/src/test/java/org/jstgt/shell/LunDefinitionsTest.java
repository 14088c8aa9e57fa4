package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:lun-create}, {@code -delete}, {@code -resize}, {@code -set}, {@code -unset} over ConfigRepository. */
class LunDefinitionsTest {
    private static final String DISK = "# the database disk\ndevice.type = disk\nstore.type = file\n"
            + "store.path = /srv/luns/db.img\n# grown in 2026\nsize = 2GiB\n";
    private static final String TARGET = "# Demo target\niqn = iqn.2026-11.org.jstgt:demo\n# LUN map\nlun.0 = db\n"
            + "lun.3 = db\nlun.1 = other\n";

    @TempDir
    Path etc;
    @TempDir
    Path data;
    private ShellFixture f;
    private LunDefinitions luns;

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        luns = new LunDefinitions(f.store, f.out, data);
        f.cm.fromFile(etc, "jstgt.lun", "db", DISK);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private static LunDefinitions.Request request(String name, String device, String store, String path, String size,
            String blockSize, boolean readOnly, String... sets) {
        return new LunDefinitions.Request(name, device, store, path, size, blockSize, readOnly, List.of(sets));
    }

    private Properties lun(String name) throws Exception {
        return ShellFixture.read(etc.resolve("jstgt.lun-" + name + ".cfg"));
    }

    @Test
    void createWritesADiskOnAFileUnderKarafDataByDefault() throws Exception {
        luns.create(request("disk0", null, null, null, "1GiB", null, false, "serial=D0"));
        Properties p = lun("disk0");
        assertEquals("disk", p.getProperty("device.type"));
        assertEquals("file", p.getProperty("store.type"));
        assertEquals(data.resolve("luns").resolve("disk0.img").toString(), p.getProperty("store.path"));
        assertEquals("1GiB", p.getProperty("size"));
        assertEquals("D0", p.getProperty("serial"));
        assertNull(p.getProperty("read.only"));
        assertEquals("disk", f.cm.get("jstgt.lun~disk0").getProperties().get("device.type"));
        assertTrue(f.output().contains("creates " + data.resolve("luns/disk0.img")), f.output());
        assertTrue(f.output().contains("iscsi:lun-map <target> <lun-number> disk0"), f.output());
    }

    @Test
    void createTakesAnExistingFileWithoutSizeAndMemoryNeedsOne() throws Exception {
        Path img = Files.write(data.resolve("old.img"), new byte[4096]);
        luns.create(request("old", "disk", "file", img.toString(), null, "4096", true));
        Properties p = lun("old");
        assertEquals(img.toString(), p.getProperty("store.path"));
        assertNull(p.getProperty("size"));
        assertEquals("4096", p.getProperty("block.size"));
        assertEquals("true", p.getProperty("read.only"));
        assertTrue(f.output().contains("uses the existing file " + img), f.output());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> luns.create(request("ram0", null, "memory", null, null, null, false)));
        assertEquals("size: required for a new memory store; give --size, e.g. --size 1GiB", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> luns.create(request("new", null, null, "/srv/none/new.img", null, null, false)));
        assertEquals("size: required for a new file (/srv/none/new.img does not exist); give --size, e.g. --size 1GiB",
                e.getMessage());
        luns.create(request("ram0", null, "MEMORY", null, "256MiB", null, false));
        assertEquals("memory", lun("ram0").getProperty("store.type"));
        assertNull(lun("ram0").getProperty("store.path"));
    }

    @Test
    void createWritesRemovableMediaDevicesWithTheirKeys() throws Exception {
        luns.create(request("cd0", "dvd", null, null, null, null, false, "medium=/srv/iso/a.iso"));
        assertEquals("dvd", lun("cd0").getProperty("device.type"));
        assertEquals("/srv/iso/a.iso", lun("cd0").getProperty("medium"));
        assertNull(lun("cd0").getProperty("store.type"));
        luns.create(request("lib0", "changer", null, null, null, null, false, "changer.drives=tape0",
                "changer.slots=8", "changer.media=/srv/tapes"));
        Properties p = lun("lib0");
        assertEquals("8", p.getProperty("changer.slots"));
        assertEquals("tape0", p.getProperty("changer.drives"));
        luns.create(request("tape0", "tape", null, null, null, null, false, "medium.size=4GiB"));
        assertEquals("4GiB", lun("tape0").getProperty("medium.size"));
        // every spelling the tape device reads
        luns.create(request("tape1", "tape", null, null, null, null, false, "medium.size=1MiB", "density=sdlt_600"));
        luns.create(request("tape2", "tape", null, null, null, null, false, "medium.size=64TiB", "density=4bh"));
        luns.create(request("tape3", "tape", null, null, null, null, false, "density=0x1A"));
        luns.create(request("tape4", "tape", null, null, null, null, false, "density=DLT-S4"));
        assertEquals("sdlt_600", lun("tape1").getProperty("density"));
    }

    @Test
    void createRefusesBadInputAndWritesNothing() throws Exception {
        assertRefused("LUN 'db' exists already (" + etc.resolve("jstgt.lun-db.cfg") + "); change it with "
                + "iscsi:lun-set or remove it with iscsi:lun-delete", request("db", null, null, null, "1GiB", null,
                        false));
        assertRefused("LUN name 'a-b': use letters, digits, '.' and '_' only",
                request("a-b", null, null, null, "1GiB", null, false));
        assertRefused("device.type: 'floppy' is not one of disk, dvd, tape, changer",
                request("x", "floppy", null, null, "1GiB", null, false));
        assertRefused("store.type: 'rbd' is not one of file, memory, null",
                request("x", null, "rbd", null, "1GiB", null, false));
        assertRefused("store.path: 'luns/x.img' must be absolute",
                request("x", null, null, "luns/x.img", "1GiB", null, false));
        assertRefused("store.path: a memory store has no file; --path is for --store file",
                request("x", null, "memory", "/srv/x.img", "1GiB", null, false));
        assertRefused("size: '1000' (1000 bytes) is not a multiple of block.size 512",
                request("x", null, null, null, "1000", null, false));
        assertRefused("size: unknown unit 'GiX' in '1 GiX' (use B, KiB, MiB, GiB, TiB)",
                request("x", null, null, null, "1 GiX", null, false));
        assertRefused("read.only: /srv/none/x.img does not exist, and a read-only file store does not create it",
                request("x", null, null, "/srv/none/x.img", "1GiB", null, true));
        assertRefused("block.size: '520' is not one of 512, 1024, 2048, 4096",
                request("x", null, null, null, "1GiB", "520", false));
        assertRefused("serial: 'a b' may hold only printable ASCII without spaces",
                request("x", null, null, null, "1GiB", null, false, "serial=a b"));
        assertRefused("vendor: 'VERYLONGVENDOR' is longer than 8 characters",
                request("x", null, null, null, "1GiB", null, false, "vendor=VERYLONGVENDOR"));
        assertRefused("queue.depth: '0' is not a number in 1..1024",
                request("x", null, null, null, "1GiB", null, false, "queue.depth=0"));
        assertRefused("sense.format: 'long' is not fixed or descriptor",
                request("x", null, null, null, "1GiB", null, false, "sense.format=long"));
        assertRefused("--set size: given twice (or by an option)",
                request("x", null, null, null, "1GiB", null, false, "size=2GiB"));
        assertRefused("--set 'serial': expected key=value",
                request("x", null, null, null, "1GiB", null, false, "serial"));
        assertRefused("changer.slots: only changer LUNs take changer.* keys (this is a disk)",
                request("x", null, null, null, "1GiB", null, false, "changer.slots=4"));
        assertRefused("medium: only dvd and tape LUNs take a medium (this is a disk)",
                request("x", null, null, null, "1GiB", null, false, "medium=/a.iso"));
        assertRefused("--store, --path and --size are for disks; a dvd takes its medium with --set, e.g. "
                + "--set medium=/srv/iso/disc.iso", request("x", "dvd", null, null, "1GiB", null, false));
        assertRefused("changer.slots: 'many' is not a number from 1 to 10000",
                request("x", "changer", null, null, null, null, false, "changer.slots=many"));
        assertRefused("changer.media: missing: set the directory of the cartridge images",
                request("x", "changer", null, null, null, null, false, "changer.slots=8"));
        assertRefused("changer.drives: 'tape0' is listed twice in 'tape0, tape0'", request("x", "changer", null,
                null, null, null, false, "changer.slots=8", "changer.media=/m", "changer.drives=tape0, tape0"));
        // the disk's and the stores' keys (ConfigRulesParityTest holds the first two to their parsers)
        assertRefused("max.transfer: '100MiB' must be a multiple of block.size 512 between 512 B and 64 MiB",
                request("x", null, "memory", null, "1GiB", null, false, "max.transfer=100MiB"));
        assertRefused("memory.chunk.size: '3KiB' must be a power of two between 4KiB and 64MiB",
                request("x", null, "memory", null, "1GiB", null, false, "memory.chunk.size=3KiB"));
        assertRefused("store.preallocate: 'thick' is not a boolean (true or false)",
                request("x", null, "file", "/srv/x.img", "1GiB", null, false, "store.preallocate=thick"));
        assertRefused("medium: 'iso/a.iso' must be absolute", request("cd9", "dvd", null, null, null, null, false,
                "medium=iso/a.iso"));
        // the tape device's limits (TapeConfig): the LUN would stay FAILED
        assertRefused("medium.size: '512KiB' is outside 1 MiB to 64 TiB", request("t", "tape", null, null, null,
                null, false, "medium.size=512KiB"));
        assertRefused("density: 'LTO5' is not a density of the tape drive (one of DLT4000 (1Ah), DLT7000 (1Bh), "
                + "DLT8000 (41h), SDLT220 (48h), SDLT320 (49h), SDLT600 (4Ah), DLT-S4 (4Bh))", request("t", "tape",
                null, null, null, null, false, "density=LTO5"));
        assertRefused("density: '0x4C' is not a density of the tape drive (one of DLT4000 (1Ah), DLT7000 (1Bh), "
                + "DLT8000 (41h), SDLT220 (48h), SDLT320 (49h), SDLT600 (4Ah), DLT-S4 (4Bh))", request("t", "tape",
                null, null, null, null, false, "density=0x4C"));
        // the changer reads it so (ChangerConfig) and would stay FAILED
        assertRefused("changer.drives: 'x' is this changer itself, not a tape LUN", request("x", "changer", null,
                null, null, null, false, "changer.slots=8", "changer.media=/m", "changer.drives=tape0, x"));
        assertRefused("key 'felix.fileinstall.filename' is managed by Config Admin or FileInstall",
                request("x", null, null, null, "1GiB", null, false, "felix.fileinstall.filename=x"));
    }

    private void assertRefused(String message, LunDefinitions.Request r) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> luns.create(r));
        assertEquals(message, e.getMessage());
        assertEquals(List.of("jstgt.lun-db.cfg"), listEtc(), "nothing written");
    }

    private List<String> listEtc() throws Exception {
        try (var s = Files.list(etc)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void deleteIsRefusedWhileMappedAndForceRemovesTheMappingsKeepingComments() throws Exception {
        f.cm.fromFile(etc, "jstgt.target", "demo", TARGET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> luns.delete("db", false));
        assertTrue(e.getMessage().startsWith("LUN 'db' is mapped by target demo (lun."), e.getMessage());
        assertTrue(e.getMessage().endsWith("; unmap it first (iscsi:lun-unmap) or give --force to remove the "
                + "mappings too"), e.getMessage());
        assertTrue(Files.exists(etc.resolve("jstgt.lun-db.cfg")));

        luns.delete("db", true);
        assertFalse(Files.exists(etc.resolve("jstgt.lun-db.cfg")));
        Path target = etc.resolve("jstgt.target-demo.cfg");
        Properties t = ShellFixture.read(target);
        assertNull(t.getProperty("lun.0"));
        assertNull(t.getProperty("lun.3"));
        assertEquals("other", t.getProperty("lun.1"));
        String text = Files.readString(target);
        // ConfigRepository keeps a comment with the key below it: the removed lun.0 takes "# LUN map" along
        assertTrue(text.contains("# Demo target") && !text.contains("# LUN map"), text);
        assertTrue(f.output().contains("The backing file /srv/luns/db.img is kept: delete it yourself"), f.output());
        e = assertThrows(IllegalArgumentException.class, () -> luns.delete("db", false));
        assertEquals("no LUN 'db' (etc/jstgt.lun-db.cfg); known: none", e.getMessage());
    }

    @Test
    void deleteOfAnUnmappedMemoryLunSaysNoFileIsDeleted() throws Exception {
        luns.create(request("ram0", null, "memory", null, "1MiB", null, false));
        f.bytes.reset();
        luns.delete("ram0", false);
        assertFalse(Files.exists(etc.resolve("jstgt.lun-ram0.cfg")));
        assertTrue(f.output().contains("No backing file is deleted"), f.output());
    }

    @Test
    void resizeGrowsOnlyAndKeepsComments() throws Exception {
        luns.resize("db", "4GiB", false);
        Path file = etc.resolve("jstgt.lun-db.cfg");
        assertEquals("4GiB", ShellFixture.read(file).getProperty("size"));
        String text = Files.readString(file);
        assertTrue(text.contains("# the database disk") && text.contains("# grown in 2026"), text);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> luns.resize("db", "1GiB", false));
        assertEquals("size: 1 GiB is smaller than the current 4 GiB (4294967296 bytes); shrinking would lose data and "
                + "the store refuses it", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.resize("db", "4294967297", false));
        assertEquals("size: '4294967297' (4294967297 bytes) is not a multiple of block.size 512", e.getMessage());
        assertEquals("4GiB", ShellFixture.read(file).getProperty("size"));
        f.bytes.reset();
        luns.resize("db", "4096MiB", false);
        assertTrue(f.output().contains("size is 4 GiB already"), f.output());
    }

    @Test
    void resizingAMemoryLunNeedsForceAsItsDataIsLost() throws Exception {
        luns.create(request("ram1", null, "memory", null, "1MiB", null, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> luns.resize("ram1", "2MiB",
                false));
        assertTrue(e.getMessage().contains("--force") && e.getMessage().contains("memory"), e.getMessage());
        assertEquals("1MiB", ShellFixture.read(etc.resolve("jstgt.lun-ram1.cfg")).getProperty("size"));
        luns.resize("ram1", "2MiB", true);
        assertEquals("2MiB", ShellFixture.read(etc.resolve("jstgt.lun-ram1.cfg")).getProperty("size"));
    }

    @Test
    void resizeWithoutASizeKeyComparesWithTheFile() throws Exception {
        Path img = Files.write(data.resolve("f.img"), new byte[8192]);
        luns.create(request("f", null, null, img.toString(), null, null, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> luns.resize("f", "4096", false));
        assertTrue(e.getMessage().startsWith("size: 4 KiB is smaller than the current 8 KiB (8192 bytes)"),
                e.getMessage());
        luns.resize("f", "16KiB", false);
        assertEquals("16KiB", lun("f").getProperty("size"));
        luns.create(request("cd0", "dvd", null, null, null, null, false));
        e = assertThrows(IllegalArgumentException.class, () -> luns.resize("cd0", "1GiB", false));
        assertEquals("size: only disks are resized; the capacity of a dvd is its medium's", e.getMessage());
    }

    @Test
    void setAndUnsetCheckTheWholeDefinition() throws Exception {
        Path file = etc.resolve("jstgt.lun-db.cfg");
        luns.set("db", "serial", "DB-0001");
        luns.set("db", "read.only", "yes");
        Properties p = ShellFixture.read(file);
        assertEquals("DB-0001", p.getProperty("serial"));
        assertEquals("yes", p.getProperty("read.only"));
        assertTrue(Files.readString(file).contains("# the database disk"));
        luns.resize("db", "2147484160", false);
        String before = Files.readString(file);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> luns.set("db", "block.size", "4096"));
        assertEquals("size: '2147484160' (2147484160 bytes) is not a multiple of block.size 4096", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "read.only", "maybe"));
        assertEquals("read.only: 'maybe' is not a boolean (true or false)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "naa.company.id", "12345"));
        assertEquals("naa.company.id: '12345' is not an IEEE company identifier (OUI): six hexadecimal digits, "
                + "e.g. AC-DE-48", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "medium", "/a.iso"));
        assertEquals("medium: only dvd and tape LUNs take a medium (this is a disk)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "size", "1GiB"));
        assertEquals("size: change it with iscsi:lun-resize, which refuses shrinking", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "bad key", "1"));
        assertEquals("key 'bad key': use letters, digits, '.', '_' and '-'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "serial", " "));
        assertEquals("serial: empty value; remove the key with iscsi:lun-unset", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.set("nope", "serial", "x"));
        assertEquals("no LUN 'nope' (etc/jstgt.lun-nope.cfg); known: db", e.getMessage());
        assertEquals(before, Files.readString(file), "nothing written on an error");

        e = assertThrows(IllegalArgumentException.class, () -> luns.set("db", "store.path", "luns/db.img"));
        assertEquals("store.path: 'luns/db.img' must be absolute", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> luns.unset("db", "store.path"));
        assertEquals("store.path: missing: a file store needs the path of a file or block device", e.getMessage());
        assertEquals(before, Files.readString(file), "nothing written on an error");

        luns.unset("db", "serial");
        assertNull(ShellFixture.read(file).getProperty("serial"));
        assertTrue(f.output().contains("serial removed; the default applies"), f.output());
        f.bytes.reset();
        luns.unset("db", "serial");
        assertTrue(f.output().contains("serial is not set"), f.output());
        e = assertThrows(IllegalArgumentException.class, () -> luns.unset("db", "device.type"));
        assertEquals("device.type: required; change it with iscsi:lun-set", e.getMessage());
    }
}
