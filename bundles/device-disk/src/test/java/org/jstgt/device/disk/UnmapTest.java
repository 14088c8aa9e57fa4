package org.jstgt.device.disk;

import static org.jstgt.device.disk.DiskTestBase.cdb10;
import static org.jstgt.device.disk.DiskTestBase.cdb16;
import static org.jstgt.device.disk.DiskTestBase.expect;
import static org.jstgt.device.disk.DiskTestBase.invalidField;
import static org.jstgt.device.disk.DiskTestBase.run;
import static org.jstgt.device.disk.DiskTestBase.withData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.Sense;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

class UnmapTest {
    private static final long MIB = 1 << 20;
    private static final Executor DIRECT = Runnable::run;

    private static DiskUnit thin(RecordingStore s) throws Exception {
        return DiskUnit.create(DiskTestBase.spec(512, false, Map.of()), s, DIRECT);
    }

    static FakeScsiTask unmap(long[]... descriptors) {
        ByteBuffer b = ByteBuffer.allocate(8 + 16 * descriptors.length);
        b.putShort(0, (short) (6 + 16 * descriptors.length));
        b.putShort(2, (short) (16 * descriptors.length));
        for (int i = 0; i < descriptors.length; i++) {
            b.putLong(8 + 16 * i, descriptors[i][0]);
            b.putInt(16 + 16 * i, (int) descriptors[i][1]);
        }
        int n = b.capacity();
        return withData(FakeScsiTask.of(0x42, 0, 0, 0, 0, 0, 0, n >>> 8, n & 0xFF, 0), b.array());
    }

    @Test
    void thinStoresAdvertiseProvisioning() throws Exception {
        DiskUnit u = thin(new RecordingStore(MIB, StoreCapability.UNMAP));
        FakeScsiTask pages = FakeScsiTask.of(0x12, 1, 0, 0, 255, 0);
        assertArrayEquals(new byte[] {0, 0, 0, 7, 0, (byte) 0x80, (byte) 0x83, (byte) 0x86, (byte) 0xB0, (byte) 0xB1,
            (byte) 0xB2},
                pages.dataInBytes(run(u, pages)));
        FakeScsiTask lbp = FakeScsiTask.of(0x12, 1, 0xB2, 0, 255, 0);
        assertArrayEquals(new byte[] {0, (byte) 0xB2, 0, 4, 0, (byte) 0xE4, 0x02, 0}, lbp.dataInBytes(run(u, lbp)));
        FakeScsiTask bl = FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0);
        byte[] d = bl.dataInBytes(run(u, bl));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 1, 0, 0, 0, 0, 8}, Arrays.copyOfRange(d, 20, 32));
        FakeScsiTask rc = cdb16(0x9E, 0x10, 0, 32);
        assertEquals((byte) 0xC0, rc.dataInBytes(run(u, rc))[14], "LBPME, LBPRZ");
    }

    @Test
    void unmapDeallocatesEveryDescriptor() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.UNMAP);
        DiskUnit u = thin(s);
        byte[] ones = new byte[4096];
        Arrays.fill(ones, (byte) 'a');
        run(u, withData(cdb10(0x2A, 0, 0, 8), ones));
        FakeScsiTask t = unmap(new long[] {1, 2}, new long[] {5, 0}, new long[] {6, 1});
        assertEquals(DataDirection.OUT, u.parse(t).direction());
        assertEquals(8 + 48, u.parse(t).transferLength());
        assertEquals(0, run(u, t));
        assertEquals(List.of(new RecordingStore.Call("unmap", 512, 1024, false), new RecordingStore.Call("unmap", 3072, 512, false)),
                s.calls().subList(1, 3));
        assertEquals('a', s.get(0));
        assertEquals(0, s.get(512));
        assertEquals(0, s.get(1535));
        assertEquals('a', s.get(1536));
        assertEquals(0, s.get(3072));
    }

    @Test
    void unmapEdgeCases() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.UNMAP);
        DiskUnit u = thin(s);
        // PARAMETER LIST LENGTH 0: nothing; no descriptors; 0 blocks at the end of the LUN
        FakeScsiTask none = FakeScsiTask.of(0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(DataDirection.NONE, u.parse(none).direction());
        assertEquals(0, run(u, unmap()));
        assertEquals(0, run(u, unmap(new long[] {2048, 0})));
        assertEquals(0, run(u, unmap(new long[] {2047, 1})));
        ScsiException oob = expect(SenseReason.LBA_OUT_OF_RANGE, () -> run(u, unmap(new long[] {0, 1},
                new long[] {2047, 2})));
        assertEquals(2047L, oob.sense().information());
        assertEquals(1, s.calls().stream().filter(c -> c.op().equals("unmap")).count(),
                "nothing is unmapped when a descriptor is bad");
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> run(u, unmap(new long[] {-1L, 1})));
        long[][] many = new long[257][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new long[] {i, 1};
        }
        ScsiException tooMany = expect(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, () -> run(u, unmap(many)));
        assertTrue(!Sense.of(tooMany.sense()).fieldInCdb());
        expect(SenseReason.PARAMETER_LIST_LENGTH_ERROR,
                () -> u.parse(FakeScsiTask.of(0x42, 0, 0, 0, 0, 0, 0, 0, 7, 0)));
        invalidField(1, 0, () -> u.parse(FakeScsiTask.of(0x42, 1, 0, 0, 0, 0, 0, 0, 24, 0)));
    }

    @Test
    void fullyProvisionedStoresHaveNoUnmap() throws Exception {
        DiskUnit u = thin(new RecordingStore(MIB));
        expect(SenseReason.INVALID_COMMAND_OPERATION_CODE, () -> u.parse(unmap(new long[] {0, 1})));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x12, 1, 0xB2, 0, 255, 0)));
        FakeScsiTask rc = cdb16(0x9E, 0x10, 0, 32);
        assertEquals(0, rc.dataInBytes(run(u, rc))[14]);
        DiskUnit ro = DiskUnit.create(DiskTestBase.spec(512, true, Map.of()), new RecordingStore(MIB, StoreCapability.UNMAP),
                DIRECT);
        expect(SenseReason.INVALID_COMMAND_OPERATION_CODE, () -> ro.parse(unmap(new long[] {0, 1})));
    }
}
