package org.jstgt.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.ElementStatus;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.MediaCdbs;
import org.jstgt.testkit.ScsiReply;
import org.jstgt.testkit.Sense;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Removable media in the real assembly, over TCP with the testkit initiator: a backup cycle through
 * a tape library (the changer loads a cartridge, a tar-like stream of files with filemarks is
 * written, the tape is rewound, spaced, located and read back, across a bundle:update of
 * jstgt-device-tape in the middle of a file), and a DVD drive with an ISO made by the test (read
 * back byte for byte, eject refused while prevented, a medium change seen as a unit attention),
 * with the shell's media and changer commands.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RemovableMediaPaxExamIT {
    private static final String IQN = "iqn.2026-12.org.jstgt:media";
    private static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CHANGER = 0;
    private static final int TAPE = 1;
    private static final int DVD = 2;
    /** SMC-3 element type codes (table 18). */
    private static final int STORAGE = 2;
    private static final int DATA_TRANSFER = 4;
    /** GNU tar's default record: 20 blocks of 512 bytes. */
    private static final int RECORD = 10240;

    @Inject
    private BootFinished bootFinished;

    @Inject
    private BundleContext bundleContext;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return PaxAssembly.options();
    }

    @Test
    public void backupCycleThroughTheLibraryAcrossATapeBundleUpdate() throws Exception {
        awaitPortal();
        Path tapes = Files.createDirectories(data().resolve("itest-tapes"));
        String created = shell("iscsi:cartridge-create --size 64MiB " + tapes + " JST001L4");
        assertTrue(created, Files.isRegularFile(tapes.resolve("JST001L4.tape")));
        shell("iscsi:cartridge-create --size 64MiB " + tapes + " JST002L4");
        List<org.osgi.service.cm.Configuration> configs = new ArrayList<>();
        configs.add(lun("mtape0", "device.type", "tape", "medium.size", "64MiB"));
        configs.add(lun("mlib0", "device.type", "changer", "changer.drives", "mtape0", "changer.slots", "4",
                "changer.mailslots", "1", "changer.media", tapes.toString()));
        configs.add(target("lun.0", "mlib0", "lun.1", "mtape0"));
        Random random = new Random(15);
        try (Initiator s = login(InitiatorOptions.defaults().withTimeout(Duration.ofSeconds(40)))) {
            awaitLun(s, TAPE);
            clearUnitAttentions(s, CHANGER);
            Sense.expect(SenseKey.NOT_READY, 0x3A).check(clearUnitAttentionsUntil(s, TAPE));

            List<ElementStatus> elements = elements(s);
            ElementStatus slot = ElementStatus.holding(elements, "JST001L4")
                    .orElseThrow(() -> new AssertionError("JST001L4 in no slot: " + elements));
            assertEquals("slots are filled in barcode order", STORAGE, slot.type());
            assertTrue(elements.toString(), ElementStatus.holding(elements, "JST002L4").isPresent());
            ElementStatus drive = ElementStatus.first(elements, DATA_TRANSFER).orElseThrow();
            s.scsi(CHANGER, MediaCdbs.moveMedium(0, slot.address(), drive.address()), null, 0).assertGood();
            Sense.expect(SenseKey.UNIT_ATTENTION, 0x28, 0x00).check(s.scsi(TAPE, Cdbs.testUnitReady(), null, 0));
            s.scsi(TAPE, Cdbs.testUnitReady(), null, 0).assertGood();
            ElementStatus loaded = ElementStatus.holding(elements(s), "JST001L4").orElseThrow();
            assertEquals("the cartridge is in the drive", drive.address(), loaded.address());
            assertEquals("the drive remembers the slot it came from", slot.address(), loaded.sourceAddress());

            // file 1: 5 records; file 2: 3 records and a short one; each ends with a filemark
            byte[][] file1 = records(random, 5, RECORD);
            byte[][] file2 = records(random, 3, RECORD);
            byte[] tail = new byte[4000];
            random.nextBytes(tail);
            for (byte[] r : file1) {
                write(s, r);
            }
            s.scsi(TAPE, MediaCdbs.writeFilemarks6(1, false), null, 0).assertGood();
            for (byte[] r : file2) {
                write(s, r);
            }
            write(s, tail);
            s.scsi(TAPE, MediaCdbs.writeFilemarks6(1, false), null, 0).assertGood();
            assertEquals("objects: 5 + FM + 4 + FM", 11, position(s));

            // file 3: two records, the tape bundle is updated, two more records: same position
            byte[][] file3 = records(random, 4, RECORD);
            write(s, file3[0]);
            write(s, file3[1]);
            updateBundle("jstgt-device-tape");
            write(s, file3[2]);
            write(s, file3[3]);
            s.scsi(TAPE, MediaCdbs.writeFilemarks6(1, false), null, 0).assertGood();
            assertEquals("the position survived the update", 16, position(s));

            s.scsi(TAPE, MediaCdbs.rewind(false), null, 0).assertGood();
            assertEquals(0, position(s));
            for (byte[] r : file1) {
                assertArrayEquals(r, read(s, RECORD).assertGood().data());
            }
            ScsiReply filemark = read(s, RECORD);
            Sense fm = checkCondition(filemark, SenseKey.NO_SENSE, 0x00, 0x01);
            assertTrue("FILEMARK bit: " + fm, (fm.raw()[2] & 0x80) != 0);
            assertEquals("positioned after the filemark", 6, position(s));
            for (byte[] r : file2) {
                assertArrayEquals(r, read(s, RECORD).assertGood().data());
            }
            ScsiReply shortBlock = read(s, RECORD);
            Sense ili = checkCondition(shortBlock, SenseKey.NO_SENSE, 0x00, 0x00);
            assertTrue("ILI bit: " + ili, (ili.raw()[2] & 0x20) != 0);
            assertEquals("INFORMATION: requested minus actual", RECORD - tail.length, ili.information().getAsLong());
            assertArrayEquals("the short block's data comes with the status", tail, shortBlock.data());

            // SPACE and LOCATE: the third file, backwards over a filemark, end of data
            s.scsi(TAPE, MediaCdbs.rewind(false), null, 0).assertGood();
            s.scsi(TAPE, MediaCdbs.space6(MediaCdbs.SPACE_FILEMARKS, 2), null, 0).assertGood();
            assertEquals(11, position(s));
            for (byte[] r : file3) {
                assertArrayEquals("file 3 across the update", r, read(s, RECORD).assertGood().data());
            }
            s.scsi(TAPE, MediaCdbs.space6(MediaCdbs.SPACE_FILEMARKS, -2), null, 0).assertGood();
            // backwards from file 3's end: file 2's filemark (10), then file 1's (5), on its BOP side
            assertEquals("on the beginning-of-tape side of file 1's filemark", 5, position(s));
            s.scsi(TAPE, MediaCdbs.locate10(2), null, 0).assertGood();
            assertArrayEquals(file1[2], read(s, RECORD).assertGood().data());
            s.scsi(TAPE, MediaCdbs.space6(MediaCdbs.SPACE_BLOCKS, 1), null, 0).assertGood();
            assertArrayEquals(file1[4], read(s, RECORD).assertGood().data());
            s.scsi(TAPE, MediaCdbs.space6(MediaCdbs.SPACE_END_OF_DATA, 0), null, 0).assertGood();
            assertEquals(16, position(s));
            checkCondition(read(s, RECORD), SenseKey.BLANK_CHECK, 0x00, 0x05);
            checkCondition(s.scsi(TAPE, MediaCdbs.locate10(100), null, 0), SenseKey.BLANK_CHECK, 0x00, 0x05);

            // unload through the library and load again: the data is on the cartridge
            s.scsi(CHANGER, MediaCdbs.moveMedium(0, drive.address(), slot.address()), null, 0).assertGood();
            Sense.expect(SenseKey.NOT_READY, 0x3A).check(clearUnitAttentionsUntil(s, TAPE));
            String status = shell("iscsi:changer-status --no-format mlib0");
            assertTrue(status, status.lines().anyMatch(l -> l.contains("slot:") && l.contains("JST001L4")));
            shell("iscsi:changer-move mlib0 " + slot.address() + " drive:1");
            clearUnitAttentionsUntil(s, TAPE).assertGood();
            String media = shell("iscsi:media-list --no-format");
            assertTrue(media, media.lines().anyMatch(l -> l.startsWith("mtape0") && l.contains("JST001L4.tape")));
            s.scsi(TAPE, MediaCdbs.rewind(false), null, 0).assertGood();
            assertArrayEquals(file1[0], read(s, RECORD).assertGood().data());
            // the shell's move changed the library behind the initiator's back: it is told so
            Sense.expect(SenseKey.UNIT_ATTENTION, 0x28, 0x00).check(s.scsi(CHANGER, Cdbs.testUnitReady(), null, 0));
            s.scsi(CHANGER, MediaCdbs.moveMedium(0, drive.address(), slot.address()), null, 0).assertGood();
            // the library's state outlives an update of its bundle: the cartridges are where they were
            List<ElementStatus> before = elements(s);
            updateBundle("jstgt-device-changer");
            List<ElementStatus> after = Await.until(WAIT, "READ ELEMENT STATUS after the changer's update",
                    () -> {
                        ScsiReply r = retryBusy(s, CHANGER, MediaCdbs.readElementStatus(true, 0, 0, 0xFFFF, false,
                                65536), null, 65536);
                        return r.good() ? ElementStatus.parse(r.data()) : null;
                    }, x -> x != null);
            assertEquals(before, after);
            s.logout();
        } finally {
            for (int i = configs.size() - 1; i >= 0; i--) {
                configs.get(i).delete();
            }
        }
    }

    @Test
    public void dvdReadsAnIsoAndKnowsItsTray() throws Exception {
        awaitPortal();
        Path dir = Files.createDirectories(data().resolve("itest-iso/tree"));
        Random random = new Random(5);
        for (int i = 0; i < 3; i++) {
            byte[] content = new byte[100_000 + random.nextInt(200_000)];
            random.nextBytes(content);
            Files.write(dir.resolve("file" + i + ".bin"), content);
        }
        Path iso = dir.getParent().resolve("test.iso");
        makeIso(dir, iso);
        byte[] image = Files.readAllBytes(iso);
        assertEquals("an ISO is whole 2048-byte blocks", 0, image.length % 2048);
        List<org.osgi.service.cm.Configuration> configs = new ArrayList<>();
        configs.add(lun("mcd0", "device.type", "dvd", "medium", iso.toString()));
        configs.add(target("lun.2", "mcd0"));
        try (Initiator s = login(InitiatorOptions.defaults())) {
            awaitLun(s, DVD);
            clearUnitAttentions(s, DVD);
            ByteBuffer cap = ByteBuffer.wrap(s.scsi(DVD, Cdbs.readCapacity10(), null, 8).assertGood().data());
            assertEquals("block length", 2048, cap.getInt(4));
            assertEquals("last LBA", image.length / 2048 - 1, cap.getInt(0));
            for (int lba = 0; lba < image.length / 2048; lba += 32) {
                int n = Math.min(32, image.length / 2048 - lba);
                byte[] got = s.scsi(DVD, MediaCdbs.read10(lba, n), null, n * 2048).assertGood().data();
                assertArrayEquals("blocks " + lba + "+" + n, Arrays.copyOfRange(image, lba * 2048, (lba + n) * 2048), got);
            }
            Sense.LBA_OUT_OF_RANGE.check(s.scsi(DVD, MediaCdbs.read10(image.length / 2048, 1), null, 2048));
            // an update of the DVD bundle is invisible: the disc is still in the drive
            updateBundle("jstgt-device-dvd");
            assertArrayEquals("block 7 after the DVD bundle's update", Arrays.copyOfRange(image, 7 * 2048, 8 * 2048),
                    retryBusy(s, DVD, MediaCdbs.read10(7, 1), null, 2048).assertGood().data());

            s.scsi(DVD, MediaCdbs.preventAllow(true), null, 0).assertGood();
            Sense.expect(SenseKey.ILLEGAL_REQUEST, 0x53, 0x02)
                    .check(s.scsi(DVD, MediaCdbs.startStopUnit(true, false), null, 0));
            String refused = shellError("iscsi:media-eject mcd0");
            assertTrue(refused, refused.contains("prevents medium removal"));
            s.scsi(DVD, MediaCdbs.preventAllow(false), null, 0).assertGood();
            s.scsi(DVD, MediaCdbs.startStopUnit(true, false), null, 0).assertGood();
            Sense.expect(SenseKey.NOT_READY, 0x3A).check(s.scsi(DVD, Cdbs.testUnitReady(), null, 0));

            shell("iscsi:media-load mcd0 " + iso);
            Sense.expect(SenseKey.UNIT_ATTENTION, 0x28, 0x00).check(s.scsi(DVD, Cdbs.testUnitReady(), null, 0));
            s.scsi(DVD, Cdbs.testUnitReady(), null, 0).assertGood();
            assertArrayEquals(Arrays.copyOf(image, 2048), s.scsi(DVD, MediaCdbs.read10(0, 1), null, 2048).assertGood().data());
            assertEquals("media-load records the medium", iso.toString(), configs.get(0).getProperties().get("medium"));
            String ejected = shell("iscsi:media-eject mcd0");
            assertTrue(ejected, ejected.contains("ejected"));
            Sense.expect(SenseKey.NOT_READY, 0x3A).check(s.scsi(DVD, Cdbs.testUnitReady(), null, 0));
            assertEquals("media-eject removes it", null, configs.get(0).getProperties().get("medium"));
            s.logout();
        } finally {
            for (int i = configs.size() - 1; i >= 0; i--) {
                configs.get(i).delete();
            }
        }
    }

    /** Makes an ISO 9660 image of a directory with genisoimage or xorriso, whichever is installed. */
    private static void makeIso(Path dir, Path iso) throws Exception {
        List<List<String>> tools = List.of(List.of("genisoimage", "-quiet", "-R", "-J", "-o", iso.toString(), dir.toString()),
                List.of("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-o", iso.toString(), dir.toString()));
        List<String> tried = new ArrayList<>();
        for (List<String> cmd : tools) {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException notInstalled) {
                tried.add(cmd.get(0) + ": " + notInstalled.getMessage());
                continue;
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(cmd.get(0) + " did not finish", p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(cmd + ": " + out, 0, p.exitValue());
            return;
        }
        throw new AssertionError("neither genisoimage nor xorriso is installed (./jstgt test installs genisoimage): "
                + tried);
    }

    private static byte[][] records(Random random, int n, int length) {
        byte[][] r = new byte[n][length];
        for (byte[] b : r) {
            random.nextBytes(b);
        }
        return r;
    }

    /** WRITE(6) of one variable-length block; BUSY (past the hold bound of an update) is retried. */
    private static void write(Initiator s, byte[] block) throws IOException {
        retryBusy(s, MediaCdbs.tapeWrite6(false, block.length), block, 0).assertGood();
    }

    /** READ(6) of one variable-length block, SILI off. */
    private static ScsiReply read(Initiator s, int length) throws IOException {
        return retryBusy(s, MediaCdbs.tapeRead6(false, false, length), null, length);
    }

    /** READ POSITION, long form (SSC-3 §7.7.3): LOGICAL OBJECT NUMBER, bytes 8-15. */
    private static long position(Initiator s) throws IOException {
        byte[] d = retryBusy(s, MediaCdbs.readPosition(MediaCdbs.READ_POSITION_LONG, 32), null, 32).assertGood().data();
        return ByteBuffer.wrap(d).getLong(8);
    }

    private static ScsiReply retryBusy(Initiator s, byte[] cdb, byte[] out, int in) throws IOException {
        return retryBusy(s, TAPE, cdb, out, in);
    }

    /** A command that may meet BUSY while its device bundle is being updated, until it gets something else. */
    private static ScsiReply retryBusy(Initiator s, int lun, byte[] cdb, byte[] out, int in) throws IOException {
        for (int i = 0; i < 100; i++) {
            ScsiReply r = s.scsi(lun, cdb, out, in);
            if (r.status() != ScsiStatus.BUSY) {
                return r;
            }
        }
        throw new AssertionError("BUSY 100 times in a row");
    }

    private static Sense checkCondition(ScsiReply r, SenseKey key, int asc, int ascq) {
        assertEquals("CHECK CONDITION: " + r, ScsiStatus.CHECK_CONDITION, r.status());
        Sense sense = r.sense().orElseThrow();
        assertEquals("sense key of " + sense, key.code(), sense.key());
        assertEquals("ASC of " + sense, asc, sense.asc());
        assertEquals("ASCQ of " + sense, ascq, sense.ascq());
        return sense;
    }

    /** READ ELEMENT STATUS of every element with volume tags. */
    private static List<ElementStatus> elements(Initiator s) throws IOException {
        byte[] d = s.scsi(CHANGER, MediaCdbs.readElementStatus(true, 0, 0, 0xFFFF, false, 65536), null, 65536)
                .assertGood().data();
        return ElementStatus.parse(d);
    }

    private Path data() {
        return Path.of(System.getProperty("karaf.data"));
    }

    private org.osgi.service.cm.Configuration lun(String name, String... kv) throws Exception {
        // a named factory configuration, as FileInstall makes for etc/jstgt.lun-<name>.cfg
        org.osgi.service.cm.Configuration c = configAdmin.getFactoryConfiguration("jstgt.lun", name, "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        c.update(p);
        return c;
    }

    /** The media target (created on first use), with more LUN mappings. */
    private org.osgi.service.cm.Configuration target(String... mappings) throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations(
                "(&(service.factoryPid=jstgt.target)(iqn=" + IQN + "))");
        org.osgi.service.cm.Configuration c = found == null
                ? configAdmin.getFactoryConfiguration("jstgt.target", "media", "?") : found[0];
        Dictionary<String, Object> p = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        p.put("name", "media");
        p.put("iqn", IQN);
        for (int i = 0; i < mappings.length; i += 2) {
            p.put(mappings[i], mappings[i + 1]);
        }
        c.update(p);
        return c;
    }

    private void updateBundle(String symbolicName) throws Exception {
        Bundle bundle = Arrays.stream(bundleContext.getBundles()).filter(x -> symbolicName.equals(x.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
        bundle.update();
        Await.until(WAIT, symbolicName + " to be ACTIVE again after its update", bundle::getState,
                state -> state == Bundle.ACTIVE);
    }

    private String shell(String command) throws Exception {
        return PaxAssembly.shell(sessionFactory, command);
    }

    /** Logs in to the media target once it is there (its configuration was just made), bounded. */
    private static Initiator login(InitiatorOptions options) {
        return Await.until(WAIT, "a login to " + IQN, () -> {
            Initiator s = null;
            try {
                s = Initiator.connect(PORTAL, options);
                s.login(IQN);
                return s;
            } catch (IOException e) {
                if (s != null) {
                    s.close();
                }
                return null;
            }
        }, x -> x != null);
    }

    /** @return the message of the exception a command that must fail throws */
    private String shellError(String command) {
        try {
            String out = shell(command);
            throw new AssertionError(command + " did not fail: " + out);
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static void awaitPortal() {
        Await.until(WAIT, "127.0.0.1:3260 to accept connections", RemovableMediaPaxExamIT::connectFailure,
                failure -> failure == null);
    }

    private static IOException connectFailure() {
        try (Socket s = new Socket()) {
            s.connect(PORTAL, 1000);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static void awaitLun(Initiator session, int lun) throws Exception {
        Await.until(WAIT, "REPORT LUNS to list LUN " + lun, () -> org.jstgt.testkit.ScsiData.reportLuns(
                session.scsi(0, Cdbs.reportLuns(0, 4096), null, 4096).assertGood().data()), l -> l.contains(lun));
    }

    private static void clearUnitAttentions(Initiator session, int lun) throws IOException {
        ScsiReply r = clearUnitAttentionsUntil(session, lun);
        assertTrue("TEST UNIT READY on LUN " + lun + ": " + r, r.good());
    }

    /** Consumes unit attentions on {@code lun} and returns the first reply that is not one. */
    private static ScsiReply clearUnitAttentionsUntil(Initiator session, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = session.scsi(lun, Cdbs.testUnitReady(), null, 0);
            if (r.good() || r.sense().map(x -> x.key() != 6).orElse(true)) {
                return r;
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions after 8 TEST UNIT READY");
    }
}
