package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/**
 * The command sequences Linux st (drivers/scsi/st.c) sends at open and for each mt operation, with
 * st's defaults (variable-block mode from MODE SENSE, SCSI-2 "vendor-specific" READ POSITION and
 * LOCATE with BT set, one filemark at close), replayed against a drive: tar-like 10240-byte
 * blocks written to two files, read back, and the tape moved as mt fsf, bsf, bsfm, eod, tell,
 * seek, setblk, compression, lock, unlock, offline, load and erase do.
 */
class LinuxStTest extends TapeTestBase {
    static final int TAR_BLOCK = 10240;

    /** st_open / check_tape: TEST UNIT READY, READ BLOCK LIMITS, MODE SENSE(6) of 12 bytes. */
    private static int open(TapeUnit u) throws Exception {
        good(u, testUnitReady());
        byte[] limits = good(u, FakeScsiTask.of(0x05, 0, 0, 0, 0, 0)).data();
        assertEquals(Transfers.MAX_TRANSFER, ((limits[1] & 0xFF) << 16) | Bytes.u16(limits, 2), "max block");
        assertEquals(1, Bytes.u16(limits, 4), "min block");
        byte[] mode = good(u, FakeScsiTask.of(0x1A, 0, 0, 0, 12, 0)).data();
        assertEquals(8, mode[3], "st needs the block descriptor");
        assertEquals(0, mode[2] & 0x80, "not write-protected");
        return ((mode[9] & 0xFF) << 16) | Bytes.u16(mode, 10);
    }

    /** write(2) of tar blocks in variable-block mode, then close of /dev/nst0: one filemark. */
    private static void writeFile(TapeUnit u, byte[][] blocks) throws Exception {
        for (byte[] b : blocks) {
            good(u, write6(false, b.length, b));
        }
        good(u, writeFilemarks(1));
    }

    /** mt fsf/bsf: SPACE filemarks. */
    private static Reply spaceFiles(TapeUnit u, int count) throws Exception {
        return exec(u, space6(1, count));
    }

    /** mt tell: READ POSITION service action 01h, ALLOCATION LENGTH 0, block from bytes 4-7. */
    private static long tell(TapeUnit u) throws Exception {
        byte[] d = good(u, readPosition(1, 0)).data();
        assertEquals(0, d[0] & 0x04, "st refuses a position with bit 2 set");
        return Bytes.u32(d, 4);
    }

    /** mt seek: LOCATE(10) with BT (st's default: not SCSI-2 logical). */
    private static void seek(TapeUnit u, long block) throws Exception {
        good(u, locate10(0x04, block, 0));
    }

    /** mt setblk: MODE SELECT(6), PF, 12 bytes with the drive buffer and density st read. */
    private static void setblk(TapeUnit u, int length) throws Exception {
        byte[] list = {0, 0, 0x10, 8, 0x4B, 0, 0, 0, 0, (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
        good(u, FakeScsiTask.of(0x15, 0x10, 0, 0, 12, 0).withDataOut(list));
    }

    @Test
    void tarFilesWrittenReadAndPositioned() throws Exception {
        TapeUnit u = unit(64 * MIB);
        assertEquals(0, open(u), "variable-block mode");
        byte[][] first = {pattern(TAR_BLOCK, 1), pattern(TAR_BLOCK, 2), pattern(TAR_BLOCK, 3)};
        byte[][] second = {pattern(TAR_BLOCK, 4), pattern(TAR_BLOCK, 5)};
        writeFile(u, first);
        writeFile(u, second);
        assertEquals(7, tell(u));

        // mt rewind; mt fsf 1; tar reads the second file until st reports EOF
        good(u, rewind());
        assertEquals(0, tell(u));
        Reply fsf = spaceFiles(u, 1);
        assertEquals(true, fsf.good());
        assertEquals(4, tell(u));
        for (byte[] b : second) {
            assertArrayEquals(b, good(u, read6(false, false, TAR_BLOCK)).data());
        }
        Reply eof = check(u, read6(false, false, TAR_BLOCK), SenseKey.NO_SENSE, 0, 1);
        bits(eof.sense(), true, false, false, (long) TAR_BLOCK);
        assertEquals(0, eof.length());
        // the read after EOF meets end of data: st returns 0 for the first BLANK CHECK after a filemark
        check(u, read6(false, false, TAR_BLOCK), SenseKey.BLANK_CHECK, 0, 5);

        // mt bsfm 1 (BSF 2, then FSF 1): the start of the second file again
        good(u, space6(1, -2));
        assertEquals(3, tell(u), "at the filemark before the second file");
        good(u, space6(1, 1));
        assertEquals(4, tell(u));

        // mt bsf 1 from the middle of the second file: back onto the filemark ending the first
        good(u, space6(0, 1));
        good(u, space6(1, -1));
        assertEquals(3, tell(u));

        // mt eod without fast-mteom: FSF 0x7fffff passes 2 filemarks and meets end of data, then SPACE to end of data
        Reply eod = check(u, space6(1, 0x7FFFFF), SenseKey.BLANK_CHECK, 0, 5);
        bits(eod.sense(), false, false, false, 0x7FFFFFL - 2);
        good(u, space6(3, 0));
        assertEquals(7, tell(u));

        // append a third file at end of data
        writeFile(u, new byte[][] {pattern(TAR_BLOCK, 6)});
        assertEquals(9, tell(u));

        // mt seek / tell
        seek(u, 4);
        assertEquals(4, tell(u));
        assertArrayEquals(second[0], good(u, read6(false, false, TAR_BLOCK)).data());
        seek(u, 0);
        assertArrayEquals(first[0], good(u, read6(false, false, 65536), "tar -b 128 reads a shorter block")
                .data());
    }

    private static Reply good(TapeUnit u, FakeScsiTask t, String because) throws Exception {
        Reply r = exec(u, t);
        if (r.good()) {
            return r;
        }
        // a shorter block than asked is ILI, which st turns into a short read
        assertEquals(SenseKey.NO_SENSE, r.sense().key(), because);
        assertEquals(true, r.sense().ili(), because);
        return r;
    }

    @Test
    void fixedBlockModeWithSetblk() throws Exception {
        TapeUnit u = unit(64 * MIB);
        open(u);
        setblk(u, 512);
        assertEquals(512, open(u));
        byte[] data = pattern(512 * 20, 9);
        good(u, write6(true, 20, data));
        good(u, writeFilemarks(1));
        good(u, rewind());
        Reply r = good(u, read6(true, false, 20));
        assertArrayEquals(data, r.data());
        Reply eof = check(u, read6(true, false, 64), SenseKey.NO_SENSE, 0, 1);
        bits(eof.sense(), true, false, false, 64L);
        setblk(u, 0);
        assertEquals(0, open(u));
    }

    @Test
    void compressionLockOfflineLoadErase() throws Exception {
        TapeUnit u = unit(64 * MIB);
        open(u);
        writeFile(u, new byte[][] {pattern(TAR_BLOCK, 1)});

        // mt compression 1: MODE SENSE page 0Fh with block descriptors, DCE set, sent back with PF
        Reply page = good(u, FakeScsiTask.of(0x1A, 0, 0x0F, 0, 255, 0));
        byte[] b = page.data();
        int pgo = 4 + b[3];
        assertEquals(0x40, b[pgo + 2] & 0x40, "DCC: compression can be changed");
        b[pgo + 2] |= (byte) 0x80;
        b[0] = 0;
        b[1] = 0;
        b[2] &= 0x7F;
        b[pgo] &= 0x3F;
        int length = pgo + (b[pgo + 1] & 0xFF) + 2;
        byte[] list = java.util.Arrays.copyOf(b, length);
        good(u, FakeScsiTask.of(0x15, 0x10, 0, 0, length, 0).withDataOut(list));
        assertEquals(0x80, good(u, FakeScsiTask.of(0x1A, 0x08, 0x0F, 0, 255, 0)).data()[6] & 0x80);

        // mt lock; mt offline is refused while locked; mt unlock; mt offline
        good(u, prevent(1));
        check(u, loadUnload(0), SenseReason.MEDIUM_REMOVAL_PREVENTED);
        good(u, prevent(0));
        good(u, loadUnload(0));
        Reply notReady = check(u, testUnitReady(), SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
        assertEquals(SenseKey.NOT_READY, notReady.sense().key());

        // mt load
        good(u, loadUnload(1));
        open(u);
        assertEquals(0, tell(u));

        // mt erase (long) at the beginning: the cartridge is blank
        good(u, FakeScsiTask.of(0x19, 0x01, 0, 0, 0, 0));
        check(u, read6(false, false, TAR_BLOCK), SenseKey.BLANK_CHECK, 0, 5);
        assertEquals(0, tape().objects());
    }
}
