package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** ORWRITE(16): blocks OR-ed with the Data-Out, atomically under the range guard. */
class OrWriteTest extends DiskTestBase {
    private static final int OP = 0x8B;

    private static FakeScsiTask orWrite(long lba, int blocks, int flags, byte[] data) {
        return withData(cdb16(OP, flags, lba, blocks), data);
    }

    @Test
    void blocksBecomeTheOrOfMediumAndData() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        run(u, withData(cdb10(0x2A, 0, 4, 2), CompareAndWriteTest.fill(1024, 0xA0)));
        run(u, orWrite(4, 2, 0, CompareAndWriteTest.fill(1024, 0x05)));
        for (int i = 0; i < 1024; i++) {
            assertEquals((byte) 0xA5, s.get(4 * 512 + i), "byte " + i);
        }
        run(u, orWrite(4, 1, 0, CompareAndWriteTest.fill(512, 0x5A)));
        assertEquals((byte) 0xFF, s.get(4 * 512));
        assertEquals((byte) 0xA5, s.get(5 * 512), "only the blocks addressed change");
        assertEquals(0, s.get(3 * 512));
    }

    @Test
    void fuaMakesTheResultDurable() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH, StoreCapability.FUA);
        DiskUnit u = unit(s);
        run(u, orWrite(0, 1, 0x08, CompareAndWriteTest.fill(512, 1)));
        assertTrue(s.calls().get(s.calls().size() - 1).fua(), "the write carries FUA: " + s.calls());
    }

    @Test
    void zeroBlocksTouchesNothing() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        assertEquals(0, run(u, cdb16(OP, 0, 0, 0)));
        assertEquals(0, s.calls().size());
    }

    @Test
    void badFieldsRangeAndProtection() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        for (int p = 1; p < 8; p++) {
            int flags = p << 5;
            invalidField(1, 31 - Integer.numberOfLeadingZeros(flags), () -> u.parse(cdb16(OP, flags, 0, 1)));
        }
        invalidField(1, 0, () -> u.parse(cdb16(OP, 0x01, 0, 1)));
        invalidField(1, 2, () -> u.parse(cdb16(OP, 0x04, 0, 1)));
        invalidField(14, 7, () -> u.parse(cdb16(OP, 0, 0, 1).withCdbByte(14, 0x80)));
        invalidField(10, -1, () -> u.parse(cdb16(OP, 0, 0, u.maxTransferBlocks() + 1)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb16(OP, 0, 2047, 2)));
        DiskUnit ro = unit(new RecordingStore(MIB).readOnly(true));
        expect(SenseReason.WRITE_PROTECTED, () -> ro.parse(cdb16(OP, 0, 0, 1)));
        // DPO, FUA_NV and the group number are accepted
        assertEquals(512, u.parse(cdb16(OP, 0x12, 0, 1).withCdbByte(14, 0x1F)).transferLength());
    }
}
