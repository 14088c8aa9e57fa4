package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/**
 * SPACE, LOCATE, REWIND and READ POSITION over a cartridge laid out as
 * {@code B0 B1 B2 FM3 B4 B5 FM6 FM7 B8 EOD9}.
 */
class PositioningTest extends TapeTestBase {

    private TapeUnit layout() throws Exception {
        TapeUnit u = unit(MIB);
        for (int i = 0; i < 3; i++) {
            writeBlock(u, pattern(100, i));
        }
        good(u, writeFilemarks(1));
        writeBlock(u, pattern(100, 4));
        writeBlock(u, pattern(100, 5));
        good(u, writeFilemarks(2));
        writeBlock(u, pattern(100, 8));
        assertEquals(9, position(u));
        return u;
    }

    @Test
    void spaceBlocksForwardStopsAfterAFilemark() throws Exception {
        TapeUnit u = layout();
        good(u, rewind());
        good(u, space6(0, 2));
        assertEquals(2, position(u));
        good(u, space6(0, 1));
        assertEquals(3, position(u), "at the filemark, not over it");
        Reply r = check(u, space6(0, 5), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, 5L);
        assertEquals(4, position(u), "end-of-partition side of the filemark");
        r = check(u, space6(0, 3), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, 1L);
        assertEquals(7, position(u));
    }

    @Test
    void spaceBlocksForwardToEndOfData() throws Exception {
        TapeUnit u = layout();
        good(u, locate10(0, 8, 0));
        Reply r = check(u, space6(0, 4), SenseKey.BLANK_CHECK, 0, 5);
        bits(r.sense(), false, false, false, 3L);
        assertEquals(9, position(u));
    }

    @Test
    void spaceBlocksBackwardStopsBeforeAFilemarkAndAtBeginning() throws Exception {
        TapeUnit u = layout();
        good(u, locate10(0, 6, 0));
        good(u, space6(0, -2));
        assertEquals(4, position(u));
        Reply r = check(u, space6(0, -1), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, 1L);
        assertEquals(3, position(u), "beginning-of-partition side of the filemark");
        good(u, locate10(0, 2, 0));
        r = check(u, space6(0, -5), SenseKey.NO_SENSE, 0, 4);
        bits(r.sense(), false, true, false, 3L);
        assertEquals(0, position(u));
    }

    @Test
    void spaceFilemarksBothWays() throws Exception {
        TapeUnit u = layout();
        good(u, rewind());
        good(u, space6(1, 1));
        assertEquals(4, position(u));
        good(u, space6(1, 2));
        assertEquals(8, position(u));
        Reply r = check(u, space6(1, 2), SenseKey.BLANK_CHECK, 0, 5);
        bits(r.sense(), false, false, false, 2L);
        assertEquals(9, position(u));
        good(u, space6(1, -1));
        assertEquals(7, position(u), "at the last filemark");
        good(u, space6(1, -2));
        assertEquals(3, position(u));
        r = check(u, space6(1, -2), SenseKey.NO_SENSE, 0, 4);
        bits(r.sense(), false, true, false, 2L);
        assertEquals(0, position(u));
        good(u, space6(1, 0));
        assertEquals(0, position(u));
    }

    @Test
    void spaceToEndOfDataAndSpace16() throws Exception {
        TapeUnit u = layout();
        good(u, rewind());
        good(u, space6(3, 0));
        assertEquals(9, position(u));
        good(u, space16(1, -3));
        assertEquals(3, position(u));
        Reply r = check(u, space16(0, 1), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, 1L);
        assertEquals(4, position(u), "a block space at a filemark crosses it and stops");
        r = check(u, space16(0, 1L << 40), SenseKey.NO_SENSE, 0, 1);
        bits(r.sense(), true, false, false, (1L << 40) - 2);
        assertEquals(7, position(u));
        invalidField(1, 3, () -> u.parse(space6(2, 1)));
        invalidField(1, 3, () -> u.parse(space6(4, 1)));
        invalidField(1, 4, () -> u.parse(space6(0x10, 1)));
        invalidField(12, -1, () -> u.parse(space16(0, 1).withCdbByte(12, 1)));
    }

    @Test
    void locate10AndBeyondEndOfData() throws Exception {
        TapeUnit u = layout();
        good(u, locate10(0, 5, 0));
        assertEquals(5, position(u));
        good(u, locate10(0x04, 2, 0));
        assertEquals(2, position(u), "BT: device-specific addresses are the same");
        good(u, locate10(0x02, 9, 0));
        assertEquals(9, position(u));
        Reply r = check(u, locate10(0, 10, 0), SenseKey.BLANK_CHECK, 0, 5);
        assertEquals(9, position(u));
        bits(r.sense(), false, false, false, null);
        invalidField(8, -1, () -> u.parse(locate10(0x02, 0, 1)));
        good(u, locate10(0, 1, 7));
        assertEquals(1, position(u), "PARTITION ignored without CP");
        invalidField(1, 3, () -> u.parse(locate10(0x08, 0, 0)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x2B, 0, 1, 0, 0, 0, 0, 0, 0, 0)));
    }

    @Test
    void locate16ObjectsFilesAndEndOfData() throws Exception {
        TapeUnit u = layout();
        good(u, locate16(0, 6));
        assertEquals(6, position(u));
        good(u, locate16(1, 1));
        assertEquals(4, position(u), "file 1 starts after the first filemark");
        good(u, locate16(1, 0));
        assertEquals(0, position(u));
        good(u, locate16(1, 3));
        assertEquals(8, position(u));
        check(u, locate16(1, 4), SenseKey.BLANK_CHECK, 0, 5);
        assertEquals(9, position(u));
        good(u, locate16(0, 0));
        good(u, locate16(3, 0));
        assertEquals(9, position(u));
        check(u, locate16(0, -1L), SenseKey.BLANK_CHECK, 0, 5);
        invalidField(1, 5, () -> u.parse(locate16(2, 0)));
        invalidField(1, 5, () -> u.parse(locate16(4, 0)));
        invalidField(3, -1, () -> u.parse(locate16(0, 0).withCdbByte(1, 0x02).withCdbByte(3, 1)));
        invalidField(2, 1, () -> u.parse(locate16(0, 0).withCdbByte(2, 0x02)));
    }

    @Test
    void rewindSyncsAndGoesToBeginning() throws Exception {
        TapeUnit u = layout();
        int syncs = tape().syncs;
        good(u, rewind());
        assertEquals(0, position(u));
        assertEquals(syncs + 1, tape().syncs);
        good(u, FakeScsiTask.of(0x01, 1, 0, 0, 0, 0));
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x01, 2, 0, 0, 0, 0)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x01, 0, 1, 0, 0, 0)));
    }

    @Test
    void readPositionShortForm() throws Exception {
        TapeUnit u = layout();
        good(u, rewind());
        for (int sa : new int[] {0, 1}) {
            Reply r = good(u, readPosition(sa, 0));
            assertEquals(20, r.length());
            byte[] d = r.data();
            assertEquals(0x80, d[0] & 0xFF, "BOP only");
            assertEquals(0, Bytes.u32(d, 4));
            assertEquals(0, Bytes.u32(d, 8));
            assertEquals(0, Bytes.u32(d, 16));
        }
        good(u, space6(1, 1));
        byte[] d = good(u, readPosition(0, 0)).data();
        assertEquals(0, d[0] & 0xFF);
        assertEquals(4, Bytes.u32(d, 4));
        assertEquals(4, Bytes.u32(d, 8), "nothing buffered: last = first");
        assertEquals(8, good(u, readPosition(0, 8)).length(), "cut at a nonzero ALLOCATION LENGTH");
    }

    @Test
    void readPositionLongAndExtendedForms() throws Exception {
        TapeUnit u = layout();
        good(u, locate10(0, 8, 0));
        Reply r = good(u, readPosition(6, 0));
        assertEquals(32, r.length());
        byte[] d = r.data();
        assertEquals(8, Bytes.u64(d, 8), "logical object number");
        assertEquals(3, Bytes.u64(d, 16), "logical file identifier");
        assertEquals(0, Bytes.u64(d, 24), "logical set identifier");
        Reply x = good(u, readPosition(8, 32));
        byte[] e = x.data();
        assertEquals(0x1C, Bytes.u16(e, 2));
        assertEquals(8, Bytes.u64(e, 8));
        assertEquals(8, Bytes.u64(e, 16));
        assertEquals(0, good(u, readPosition(8, 0)).length(), "extended form cut at ALLOCATION LENGTH 0");
        invalidField(1, 4, () -> u.parse(readPosition(2, 0)));
        invalidField(1, 4, () -> u.parse(readPosition(7, 0)));
        invalidField(1, 5, () -> u.parse(readPosition(0x20, 0)));
        invalidField(3, -1, () -> u.parse(readPosition(0, 0).withCdbByte(3, 1)));
    }

    @Test
    void positioningWithoutCartridgeIsNotReady() throws Exception {
        TapeUnit u = empty();
        check(u, rewind(), SenseReason.MEDIUM_NOT_PRESENT);
        check(u, space6(0, 1), SenseReason.MEDIUM_NOT_PRESENT);
        check(u, locate10(0, 0, 0), SenseReason.MEDIUM_NOT_PRESENT);
        check(u, readPosition(0, 0), SenseReason.MEDIUM_NOT_PRESENT);
    }
}
