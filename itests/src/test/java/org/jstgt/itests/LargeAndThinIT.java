package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.ScsiReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Disks past 2 TiB and thin provisioning on the real assembly: a 64 TiB sparse file LUN (on tmpfs,
 * where a sparse file may be that large; ext4 stops at 16 TiB) answers READ CAPACITY(10) with
 * FFFFFFFFh and round-trips I/O at LBAs above 2^32; on a sparse file LUN, UNMAP gives the blocks
 * back to the file system, GET LBA STATUS reports them deallocated and they read as zeros. As root,
 * a third LUN lives on a tmpfs of 1 MiB: a write it has no room for gets DATA PROTECT, SPACE
 * ALLOCATION FAILED WRITE PROTECT, and once UNMAP frees the space writes succeed again. A memory
 * LUN larger than its share of the heap does the same once the share is used.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LargeAndThinIT {
    private static final Duration CONFIG_WAIT = Duration.ofSeconds(60);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final String IQN = "iqn.2026-11.org.jstgt:itest-large";
    private static final long BIG_BLOCKS = (64L << 40) / 512;
    private static final int THIN_BLOCKS = (64 << 20) / 512;
    /** 4 MiB written then unmapped. */
    private static final int RUN_BLOCKS = 8192;

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("large-thin", "iscsi-readcapacity16")
            // memory LUNs may fill the heap less a quarter (at least 256 MiB): 256 MiB here
            .withJavaOptions("-Xmx512m");

    private KarafInstance karaf;
    private Path shm;
    private Path thinFile;
    /** A tmpfs of 1 MiB, mounted when the test runs as root, holding the "full" LUN's file. */
    private Path small;
    private boolean smallMounted;
    private Initiator session;

    @BeforeAll
    void configure() throws Exception {
        karaf = ASSEMBLY.karaf();
        shm = Files.createTempDirectory(Path.of("/dev/shm"), "jstgt-itest-");
        thinFile = karaf.home().resolve("data/luns/thin.img");
        karaf.writeEtc("jstgt.lun-big.cfg", lines("device.type = disk", "store.type = file",
                "store.path = " + shm.resolve("big.img"), "size = 64TiB"));
        karaf.writeEtc("jstgt.lun-thin.cfg", lines("device.type = disk", "store.type = file",
                "store.path = " + thinFile, "size = 64MiB"));
        small = Files.createDirectories(karaf.home().resolve("data/small"));
        smallMounted = "root".equals(System.getProperty("user.name")) && Processes.run(TOOL_TIMEOUT, "mount", "-t",
                "tmpfs", "-o", "size=1m", "jstgt-itest", small.toString()).exitCode() == 0;
        if (smallMounted) {
            karaf.writeEtc("jstgt.lun-full.cfg", lines("device.type = disk", "store.type = file",
                    "store.path = " + small.resolve("full.img"), "size = 8MiB"));
        }
        karaf.writeEtc("jstgt.lun-ram.cfg", lines("device.type = disk", "store.type = memory", "size = 1GiB"));
        karaf.writeEtc("jstgt.target-large.cfg", lines("iqn = " + IQN, "lun.0 = big", "lun.1 = thin",
                smallMounted ? "lun.2 = full" : "", "lun.3 = ram"));
        session = Await.every(CONFIG_WAIT, Duration.ofSeconds(1), "the itest target with both LUNs ready", () -> {
            Initiator i = Initiator.connect(KarafInstance.PORTAL_V4, InitiatorOptions.defaults());
            try {
                i.login(IQN);
                clearUnitAttentions(i, 0);
                clearUnitAttentions(i, 1);
                if (smallMounted) {
                    clearUnitAttentions(i, 2);
                }
                clearUnitAttentions(i, 3);
                if (i.scsi(0, Cdbs.testUnitReady(), null, 0).good() && i.scsi(1, Cdbs.testUnitReady(), null, 0).good()
                        && (!smallMounted || i.scsi(2, Cdbs.testUnitReady(), null, 0).good())
                        && i.scsi(3, Cdbs.testUnitReady(), null, 0).good()) {
                    return i;
                }
            } catch (java.io.IOException e) {
                // not there yet
            }
            i.close();
            return null;
        }, i -> i != null);
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (session != null) {
            session.close();
        }
        if (karaf != null) {
            for (String f : new String[] {"jstgt.target-large.cfg", "jstgt.lun-big.cfg", "jstgt.lun-thin.cfg",
                "jstgt.lun-full.cfg", "jstgt.lun-ram.cfg"}) {
                Files.deleteIfExists(karaf.etc().resolve(f));
            }
        }
        if (shm != null) {
            // the LUN closes its file once its configuration is gone; removing it frees nothing on
            // tmpfs (it is sparse) but leaves no trace
            try (Stream<Path> s = Files.walk(shm)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (smallMounted) {
            // lazily: the closed LUN's read views keep the file mapped until the JVM collects them
            Processes.run(TOOL_TIMEOUT, "umount", "-l", small.toString()).assertSuccess();
        }
    }

    private static void clearUnitAttentions(Initiator i, int lun) throws java.io.IOException {
        for (int n = 0; n < 4 && !i.scsi(lun, Cdbs.testUnitReady(), null, 0).good(); n++) {
            // each TEST UNIT READY reports (and clears) one pending unit attention
        }
    }

    @Test
    @Order(1)
    void readCapacity10SaysTooLargeAnd16TellsTheTruth() throws Exception {
        ScsiReply rc10 = session.scsi(0, Cdbs.readCapacity10(), null, 8).assertGood();
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 2, 0}, rc10.data(), "RETURNED LOGICAL BLOCK ADDRESS FFFFFFFFh");
        ScsiReply rc16 = session.scsi(0, Cdbs.readCapacity16(32), null, 32).assertGood();
        ByteBuffer d = ByteBuffer.wrap(rc16.data());
        assertEquals(BIG_BLOCKS - 1, d.getLong(0));
        assertEquals(512, d.getInt(8));
        assertEquals(0xC0, rc16.data()[14] & 0xC0, "LBPME and LBPRZ: a sparse file is thin");
        Processes.Result r = Processes.run(TOOL_TIMEOUT, "iscsi-readcapacity16",
                "iscsi://127.0.0.1:3260/" + IQN + "/0").assertSuccess();
        Matcher m = Pattern.compile("Total size:(\\d+)").matcher(r.output());
        assertTrue(m.find(), r.describe());
        assertEquals(64L << 40, Long.parseLong(m.group(1)), r.describe());
    }

    @Test
    @Order(2)
    void ioAboveTwoToTheThirtyTwoRoundTrips() throws Exception {
        for (long lba : new long[] {(1L << 32) + 5, (1L << 36) + 123, BIG_BLOCKS - 8}) {
            byte[] data = pattern(8 * 512, (int) lba);
            session.scsi(0, Cdbs.write16(lba, 8), data, 0).assertGood();
            ScsiReply back = session.scsi(0, Cdbs.read16(lba, 8), null, data.length).assertGood();
            assertArrayEquals(data, back.data(), "LBA " + lba);
        }
        ScsiReply past = session.scsi(0, Cdbs.read16(BIG_BLOCKS - 4, 8), null, 8 * 512);
        assertEquals(0x21, past.sense().orElseThrow().asc(), "LBA OUT OF RANGE past the end");
    }

    @Test
    @Order(3)
    void unmapFreesSpaceReportsItAndReadsZeros() throws Exception {
        byte[] data = pattern(RUN_BLOCKS * 512, 3);
        for (int at = 0; at < RUN_BLOCKS; at += 2048) {
            session.scsi(1, Cdbs.write16(at, 2048), Arrays.copyOfRange(data, at * 512, (at + 2048) * 512), 0)
                    .assertGood();
        }
        session.scsi(1, Cdbs.raw(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0), null, 0).assertGood();
        long before = allocatedBytes(thinFile);
        assertTrue(before >= RUN_BLOCKS * 512L, "the written 4 MiB are allocated: " + before);
        assertEquals(0, lbaStatus(0)[0], "mapped before UNMAP");

        byte[] list = new byte[24];
        ByteBuffer.wrap(list).putShort(0, (short) 22).putShort(2, (short) 16).putLong(8, 0).putInt(16, RUN_BLOCKS);
        session.scsi(1, Cdbs.raw(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), list, 0).assertGood();

        long after = allocatedBytes(thinFile);
        assertTrue(before - after >= RUN_BLOCKS * 512L, "UNMAP gave 4 MiB back: " + before + " -> " + after);
        long[] status = lbaStatus(0);
        assertEquals(1, status[0], "GET LBA STATUS: deallocated");
        assertTrue(status[1] >= RUN_BLOCKS, "the deallocated run covers the unmapped blocks: " + status[1]);
        ScsiReply read = session.scsi(1, Cdbs.read16(0, 2048), null, 2048 * 512).assertGood();
        assertArrayEquals(new byte[2048 * 512], read.data(), "unmapped blocks read as zeros");
        ScsiReply rc16 = session.scsi(1, Cdbs.readCapacity16(32), null, 32).assertGood();
        assertEquals(THIN_BLOCKS, ByteBuffer.wrap(rc16.data()).getLong(0) + 1, "the LUN keeps its capacity");
        assertEquals(64L << 20, Files.size(thinFile), "the file keeps its size");
    }

    /**
     * WRITE SAME(16) of a zero block without UNMAP over the blocks the UNMAP above gave back: they
     * read zeros and are mapped again. Where the file system zeroes in place (ext4 and XFS: the
     * LUN's file is in the assembly's data directory), the range becomes unwritten extents, which
     * lseek(2) SEEK_DATA counts as a hole: the holes report must not call them deallocated.
     */
    @Test
    @Order(4)
    void writeSameOfZerosWithoutUnmapLeavesTheRangeMapped() throws Exception {
        assertEquals(1, lbaStatus(0)[0], "deallocated before WRITE SAME");
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x93;
        ByteBuffer.wrap(cdb).putLong(2, 0).putInt(10, RUN_BLOCKS);
        session.scsi(1, cdb, new byte[512], 0).assertGood();

        long[] status = lbaStatus(0);
        assertEquals(0, status[0], "GET LBA STATUS after WRITE SAME with UNMAP=0: mapped (file system "
                + Files.getFileStore(thinFile).type() + ")");
        assertTrue(status[1] >= RUN_BLOCKS, "the mapped run covers the zeroed blocks: " + status[1]);
        assertTrue(allocatedBytes(thinFile) >= RUN_BLOCKS * 512L, "the zeroed 4 MiB are allocated");
        ScsiReply read = session.scsi(1, Cdbs.read16(0, 2048), null, 2048 * 512).assertGood();
        assertArrayEquals(new byte[2048 * 512], read.data(), "zeroed blocks read as zeros");
    }

    /**
     * A thin LUN of 8 MiB on a file system of 1 MiB: the write that finds no space ends with DATA
     * PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (27h/07h), which initiators take as "out of
     * space" (ESXi pauses the VM, Linux returns ENOSPC), not MEDIUM ERROR; UNMAP gives the space
     * back, and the same LUN takes writes again.
     */
    @Test
    @Order(5)
    void aWriteWithNoSpaceLeftIsSpaceAllocationFailedUntilSpaceIsFreed() throws Exception {
        assumeTrue(smallMounted, "needs root, to mount a tmpfs of 1 MiB");
        int blocks = 4096; // 2 MiB
        ScsiReply full = session.scsi(2, Cdbs.write16(0, blocks), pattern(blocks * 512, 5), 0);
        org.jstgt.testkit.Sense sense = full.sense().orElseThrow(() -> new AssertionError("no sense: " + full));
        assertEquals(0x07, sense.key(), "DATA PROTECT: " + sense);
        assertEquals(0x27, sense.asc(), sense.toString());
        assertEquals(0x07, sense.ascq(), "SPACE ALLOCATION FAILED WRITE PROTECT: " + sense);

        byte[] list = new byte[24];
        ByteBuffer.wrap(list).putShort(0, (short) 22).putShort(2, (short) 16).putLong(8, 0).putInt(16, blocks);
        session.scsi(2, Cdbs.raw(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), list, 0).assertGood();
        byte[] data = pattern(512 * 512, 6);
        session.scsi(2, Cdbs.write16(0, 512), data, 0).assertGood();
        assertArrayEquals(data, session.scsi(2, Cdbs.read16(0, 512), null, data.length).assertGood().data(),
                "written once UNMAP freed the space");
    }

    /**
     * A memory LUN of 1 GiB in a heap of 512 MiB, of which memory LUNs may fill 256 MiB: the write
     * that needs a chunk past that share is out of space (27h/07h) while the rest of the heap is left
     * to the target, the blocks written read back, and UNMAP makes room again. Found with
     * iscsi-test-cu on a 1 GiB memory LUN in the default 1 GiB heap, which the store filled to 99%
     * (74 full collections) before its first allocation failed.
     */
    @Test
    @Order(6)
    void aMemoryLunStopsAtItsShareOfTheHeap() throws Exception {
        int blocks = 16384; // 8 MiB
        byte[] data = pattern(blocks * 512, 8);
        long lba = 0;
        org.jstgt.testkit.Sense sense = null;
        for (int i = 0; i < 64 && sense == null; i++) { // at most 512 MiB
            ScsiReply r = session.scsi(3, Cdbs.write16(lba, blocks), data, 0);
            if (r.good()) {
                lba += blocks;
            } else {
                sense = r.sense().orElseThrow(() -> new AssertionError("no sense: " + r));
            }
        }
        assertNotNull(sense, "512 MiB went into a memory LUN in a heap of 512 MiB");
        assertEquals(0x07, sense.key(), "DATA PROTECT: " + sense);
        assertEquals(0x27, sense.asc(), sense.toString());
        assertEquals(0x07, sense.ascq(), "SPACE ALLOCATION FAILED WRITE PROTECT: " + sense);
        long written = lba * 512;
        assertTrue(written >= (192L << 20) && written <= (256L << 20), "stopped after " + written + " bytes");
        String log = Files.readString(karaf.home().resolve("data/log/karaf.log"));
        assertTrue(log.contains("LUN ram: write of") && log.contains("bytes of heap they may use"),
                "the memory LUNs' share stopped the write");
        assertFalse(log.contains("out of memory allocating"), "the write stopped before the heap ran out");
        assertArrayEquals(data, session.scsi(3, Cdbs.read16(lba - blocks, blocks), null, data.length).assertGood()
                .data(), "the last write that fitted");

        byte[] list = new byte[24];
        ByteBuffer.wrap(list).putShort(0, (short) 22).putShort(2, (short) 16).putLong(8, 0).putInt(16, blocks);
        session.scsi(3, Cdbs.raw(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), list, 0).assertGood();
        session.scsi(3, Cdbs.write16(lba, blocks), data, 0).assertGood();
        assertArrayEquals(data, session.scsi(3, Cdbs.read16(lba, blocks), null, data.length).assertGood().data(),
                "written once UNMAP freed room");
    }

    /** @return {provisioning status, number of blocks} of the first GET LBA STATUS descriptor at {@code lba} */
    private long[] lbaStatus(long lba) throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x12;
        ByteBuffer.wrap(cdb).putLong(2, lba).putInt(10, 64);
        ScsiReply r = session.scsi(1, cdb, null, 64).assertGood();
        ByteBuffer d = ByteBuffer.wrap(r.data());
        assertEquals(lba, d.getLong(8), "the first descriptor starts at the LBA asked");
        return new long[] {d.get(20) & 0x0F, d.getInt(16) & 0xFFFF_FFFFL};
    }

    private static long allocatedBytes(Path file) throws Exception {
        Processes.Result r = Processes.run(TOOL_TIMEOUT, "stat", "-c", "%b %B", file.toString()).assertSuccess();
        String[] f = r.output().trim().split("\\s+");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed + (i >>> 9));
        }
        return b;
    }

    private static String lines(String... lines) {
        return "# written by LargeAndThinIT\n" + String.join("\n", lines) + "\n";
    }
}
