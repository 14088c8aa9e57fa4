package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** VERIFY(10)/(12)/(16). */
class VerifyTest extends DiskTestBase {
    @Test
    void verifyWithoutByteCheckOnlyChecksTheRange() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        CommandDescriptor d = u.parse(cdb10(0x2F, 0, 0, 2048));
        assertEquals(DataDirection.NONE, d.direction());
        assertEquals(0, run(u, cdb16(0x8F, 0x10, 100, 1000)));
        assertTrue(s.calls().isEmpty());
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x2F, 0, 2049, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb10(0x2F, 0, 0xFFFF_FFFFL, 0)));
        expect(SenseReason.LBA_OUT_OF_RANGE, () -> u.parse(cdb12(0xAF, 0, 2000, 49)));
    }

    @Test
    void verifyByteCheckComparesWithTheMedium() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] data = pattern(1024, 5);
        run(u, withData(cdb10(0x2A, 0, 7, 2), data));
        FakeScsiTask ok = withData(cdb10(0x2F, 0x02, 7, 2), data.clone());
        assertEquals(1024, u.parse(ok).transferLength());
        assertEquals(DataDirection.OUT, u.parse(ok).direction());
        assertEquals(0, run(u, ok));
        byte[] bad = data.clone();
        bad[700] ^= 'X';
        ScsiException e = expect(SenseReason.MISCOMPARE_DURING_VERIFY, () -> run(u, withData(cdb16(0x8F, 0x02, 7, 2), bad)));
        assertEquals(700L, e.sense().information());
        // the initiator's EDTL covered only one of the two blocks to compare (overflow)
        expect(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT,
                () -> run(u, withData(cdb10(0x2F, 0x02, 7, 2), Arrays.copyOf(data, 512))));
    }

    @Test
    void verifyOneBlockAgainstEveryBlock() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        byte[] block = pattern(512, 6);
        byte[] three = new byte[1536];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(block, 0, three, 512 * i, 512);
        }
        run(u, withData(cdb10(0x2A, 0, 0, 3), three));
        FakeScsiTask t = withData(cdb10(0x2F, 0x06, 0, 3), block.clone());
        assertEquals(512, u.parse(t).transferLength());
        assertEquals(0, run(u, t));
        ScsiException e = expect(SenseReason.MISCOMPARE_DURING_VERIFY,
                () -> run(u, withData(cdb10(0x2F, 0x06, 0, 4), block.clone())));
        assertEquals(0L, e.sense().information());
    }

    @Test
    void verifyBadFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB), "max.transfer", "4KiB");
        invalidField(1, 2, () -> u.parse(cdb10(0x2F, 0x04, 0, 1)));
        invalidField(1, 3, () -> u.parse(cdb10(0x2F, 0x08, 0, 1)));
        invalidField(7, -1, () -> u.parse(cdb10(0x2F, 0x02, 0, 9)));
        assertEquals(0, run(u, cdb10(0x2F, 0, 0, 9)));
    }
}
