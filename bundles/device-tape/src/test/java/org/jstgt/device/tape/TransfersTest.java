package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** READ(6), WRITE(6) and WRITE FILEMARKS(6): modes, residuals, marks, end of data, early warning, WORM. */
class TransfersTest extends TapeTestBase {

    @Test
    void variableBlocksRoundTrip() throws Exception {
        TapeUnit u = unit(MIB);
        byte[] a = pattern(10240, 1);
        byte[] b = pattern(700, 2);
        writeBlock(u, a);
        writeBlock(u, b);
        assertEquals(2, position(u));
        good(u, rewind());
        Reply r = good(u, read6(false, false, 10240));
        assertEquals(10240, r.length());
        assertArrayEquals(a, r.data());
        assertArrayEquals(b, good(u, read6(false, false, 700)).data());
        assertEquals(2, position(u));
    }

    @Test
    void shortBlockIsIliWithPositiveResidualAndItsData() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(500, 3));
        good(u, rewind());
        Reply r = check(u, read6(false, false, 800), SenseKey.NO_SENSE, 0, 0);
        bits(r.sense(), false, false, true, 300L);
        assertEquals(500, r.length());
        assertArrayEquals(pattern(500, 3), r.data());
        assertEquals(1, position(u), "after the incorrect-length block");
    }

    @Test
    void overlengthBlockIsIliWithNegativeResidualAndTruncatedData() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(1000, 4));
        good(u, rewind());
        Reply r = check(u, read6(false, false, 600), SenseKey.NO_SENSE, 0, 0);
        bits(r.sense(), false, false, true, -400L);
        assertArrayEquals(Arrays.copyOf(pattern(1000, 4), 600), r.data());
        assertEquals(1, position(u));
    }

    @Test
    void siliForgivesShortAndInVariableModeOverlengthBlocks() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(500, 5));
        writeBlock(u, pattern(1000, 6));
        good(u, rewind());
        assertEquals(500, good(u, read6(false, true, 800)).length());
        assertEquals(600, good(u, read6(false, true, 600)).length());
        assertEquals(2, position(u));
    }

    @Test
    void siliDoesNotForgiveOverlengthInFixedMode() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(1000, 6));
        setBlockLength(u, 512);
        good(u, rewind());
        Reply r = check(u, read6(false, true, 600), SenseKey.NO_SENSE, 0, 0);
        bits(r.sense(), false, false, true, -400L);
    }

    @Test
    void filemarkStopsAVariableReadAfterTheMark() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(100, 1));
        good(u, writeFilemarks(1));
        writeBlock(u, pattern(100, 2));
        good(u, rewind());
        good(u, read6(false, false, 100));
        Reply r = check(u, read6(false, false, 100), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, 100L);
        assertEquals(0, r.length());
        assertEquals(2, position(u), "after the filemark");
        assertArrayEquals(pattern(100, 2), good(u, read6(false, false, 100)).data());
    }

    @Test
    void endOfDataIsBlankCheckWithResidual() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(64, 1));
        Reply r = check(u, read6(false, false, 64), SenseKey.BLANK_CHECK, 0, 5);
        bits(r.sense(), false, false, false, 64L);
        assertEquals(1, position(u), "stays at end of data");
        check(u, read6(false, false, 64), SenseKey.BLANK_CHECK, 0, 5);
    }

    @Test
    void blankCartridgeReadsBlankCheck() throws Exception {
        TapeUnit u = unit(MIB);
        check(u, read6(false, false, 10240), SenseKey.BLANK_CHECK, 0, 5);
        assertEquals(0, position(u));
    }

    @Test
    void fixedModeReadsWholeBlocksAndStopsAtMarksAndEndOfData() throws Exception {
        TapeUnit u = unit(MIB);
        setBlockLength(u, 512);
        byte[] three = pattern(1536, 9);
        good(u, write6(true, 3, three));
        good(u, writeFilemarks(1));
        good(u, write6(true, 1, pattern(512, 7)));
        good(u, rewind());
        Reply r = check(u, read6(true, false, 5), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, 2L);
        assertEquals(1536, r.length());
        assertArrayEquals(three, r.data());
        assertEquals(4, position(u));
        Reply eod = check(u, read6(true, false, 4), SenseKey.BLANK_CHECK, 0, 5);
        bits(eod.sense(), false, false, false, 3L);
        assertEquals(512, eod.length());
        assertEquals(5, position(u));
    }

    @Test
    void fixedModeWrongLengthBlockIsIliCountingBlocksNotRead() throws Exception {
        TapeUnit u = unit(MIB);
        setBlockLength(u, 512);
        good(u, write6(true, 1, pattern(512, 1)));
        writeBlock(u, pattern(100, 2));
        good(u, rewind());
        Reply r = check(u, read6(true, false, 3), SenseKey.NO_SENSE, 0, 0);
        bits(r.sense(), false, false, true, 2L);
        assertEquals(512, r.length());
        assertEquals(2, position(u), "after the incorrect-length block");
    }

    @Test
    void readFieldChecks() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(1, 1, () -> u.parse(read6(true, true, 1)));
        invalidField(1, 2, () -> u.parse(FakeScsiTask.of(0x08, 0x04, 0, 0, 1, 0)));
        invalidField(5, 2, () -> u.parse(FakeScsiTask.of(0x08, 0, 0, 0, 1, 0x04)));
        // FIXED in variable-block mode
        invalidAtRun(u, read6(true, false, 1), SenseReason.INVALID_FIELD_IN_CDB, true, 1, 0);
        // a fixed transfer over the maximum
        setBlockLength(u, 65536);
        invalidField(2, -1, () -> u.parse(read6(true, false, 1024)));
        // length 0: nothing moves
        good(u, read6(false, false, 0));
        assertEquals(0, position(u));
    }

    @Test
    void damagedBlockIsMediumError() throws Exception {
        TapeUnit u = unit(MIB);
        writeBlock(u, pattern(10, 1));
        good(u, rewind());
        tape().failReads = true;
        check(u, read6(false, false, 10), SenseReason.UNRECOVERED_READ_ERROR);
    }

    @Test
    void writeInTheMiddleDropsWhatFollows() throws Exception {
        TapeUnit u = unit(MIB);
        for (int i = 0; i < 4; i++) {
            writeBlock(u, pattern(100, i));
        }
        good(u, writeFilemarks(1));
        good(u, locate10(0, 2, 0));
        writeBlock(u, pattern(50, 9));
        assertEquals(3, tape().objects());
        assertEquals(0, tape().marksBefore(TapeImage.Kind.FILEMARK, 3));
        check(u, read6(false, false, 50), SenseKey.BLANK_CHECK, 0, 5);
    }

    @Test
    void writeProtectedRefusesWritesMarksAndErase() throws Exception {
        TapeUnit u = unit(new MemoryTape(MIB).writeProtected(true));
        check(u, write6(false, 4, new byte[4]), SenseReason.WRITE_PROTECTED);
        check(u, writeFilemarks(1), SenseReason.WRITE_PROTECTED);
        check(u, FakeScsiTask.of(0x19, 0, 0, 0, 0, 0), SenseReason.WRITE_PROTECTED);
        assertEquals(0, tape().objects());
    }

    @Test
    void readOnlyKeyWriteProtectsEveryCartridge() throws Exception {
        cartridges.put(cartridge("JST001"), new MemoryTape(MIB));
        TapeUnit u = unit(props("medium", cartridge("JST001").toString()), null, true);
        check(u, write6(false, 4, new byte[4]), SenseReason.WRITE_PROTECTED);
    }

    @Test
    void wormRefusesOverwriteButAppendsAtEndOfData() throws Exception {
        TapeUnit u = unit(new MemoryTape(MIB, true));
        writeBlock(u, pattern(10, 1));
        good(u, writeFilemarks(1));
        writeBlock(u, pattern(10, 2));
        good(u, rewind());
        check(u, write6(false, 10, pattern(10, 3)), SenseKey.DATA_PROTECT, 0x30, 0x0C);
        check(u, writeFilemarks(1), SenseKey.DATA_PROTECT, 0x30, 0x0C);
        check(u, FakeScsiTask.of(0x19, 1, 0, 0, 0, 0), SenseKey.DATA_PROTECT, 0x30, 0x0C);
        assertEquals(3, tape().objects());
        good(u, space6(3, 0));
        writeBlock(u, pattern(10, 4));
        assertEquals(4, tape().objects());
    }

    @Test
    void earlyWarningReportsEomAndWritesEverything() throws Exception {
        // 1 MiB: early warning 20971 bytes before the end
        TapeUnit u = unit(MIB);
        byte[] big = pattern(1000 * 1000, 1);
        Reply first = exec(u, write6(false, big.length, big));
        assertTrue(first.good(), "before early warning");
        Reply r = check(u, write6(false, 40000, pattern(40000, 2)), SenseKey.NO_SENSE, 0, 2);
        bits(r.sense(), false, true, false, 0L);
        assertEquals(2, tape().objects(), "written");
        Reply fm = check(u, writeFilemarks(1), SenseKey.NO_SENSE, 0, 2);
        bits(fm.sense(), false, true, false, 0L);
        byte[] pos = good(u, readPosition(0, 0)).data();
        assertEquals(0x40, pos[0] & 0x40, "EOP past early warning");
    }

    @Test
    void capacityReachedIsVolumeOverflowWithResidual() throws Exception {
        TapeUnit u = unit(MIB);
        setBlockLength(u, 65536);
        Reply r = check(u, write6(true, 20, pattern(20 * 65536, 1)), SenseKey.VOLUME_OVERFLOW, 0, 2);
        long fitted = tape().objects();
        assertTrue(fitted > 0 && fitted < 20);
        bits(r.sense(), false, true, false, 20 - fitted);
        assertEquals(fitted, position(u));
        setBlockLength(u, 0);
        Reply v = check(u, write6(false, 65536, pattern(65536, 2)), SenseKey.VOLUME_OVERFLOW, 0, 2);
        bits(v.sense(), false, true, false, 65536L);
        assertEquals(fitted, tape().objects());
    }

    @Test
    void writeFieldChecks() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x0A, 0x02, 0, 0, 1, 0)));
        invalidField(2, -1, () -> u.parse(write6(false, Transfers.MAX_TRANSFER + 1, new byte[0])));
        invalidAtRun(u, write6(true, 1, new byte[512]), SenseReason.INVALID_FIELD_IN_CDB, true, 1, 0);
        good(u, write6(false, 0, new byte[0]));
        assertEquals(0, tape().objects());
        setBlockLength(u, 65536);
        invalidField(2, -1, () -> u.parse(write6(true, 1024, new byte[0])));
    }

    @Test
    void writeFilemarksFieldsAndFlush() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x10, 0x02, 0, 0, 1, 0)));
        invalidField(1, 2, () -> u.parse(FakeScsiTask.of(0x10, 0x04, 0, 0, 1, 0)));
        writeBlock(u, pattern(10, 1));
        int syncs = tape().syncs;
        good(u, writeFilemarks(0));
        assertEquals(syncs + 1, tape().syncs, "count 0 flushes");
        assertEquals(1, tape().objects());
        good(u, writeFilemarks(2));
        assertEquals(3, tape().objects());
        good(u, FakeScsiTask.of(0x10, 0x01, 0, 0, 1, 0));
        assertEquals(4, tape().objects());
    }

    @Test
    void noCartridgeIsNotReady() throws Exception {
        TapeUnit u = empty();
        check(u, read6(false, false, 10), SenseReason.MEDIUM_NOT_PRESENT);
        check(u, write6(false, 4, new byte[4]), SenseReason.MEDIUM_NOT_PRESENT);
        check(u, writeFilemarks(1), SenseReason.MEDIUM_NOT_PRESENT);
    }

    /** MODE SELECT(6) with a block descriptor setting the block length. */
    static void setBlockLength(TapeUnit u, int length) throws Exception {
        byte[] list = new byte[12];
        list[2] = 0x10;
        list[3] = 8;
        list[4] = 0x7F;
        list[9] = (byte) (length >>> 16);
        list[10] = (byte) (length >>> 8);
        list[11] = (byte) length;
        good(u, FakeScsiTask.of(0x15, 0x10, 0, 0, 12, 0).withDataOut(list));
    }
}
