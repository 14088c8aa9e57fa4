package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** INQUIRY and MODE SENSE. */
class PagesTest extends DiskTestBase {
    @Test
    void inquiryClaimsSbc3AndListsDiskPages() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask std = FakeScsiTask.of(0x12, 0, 0, 0, 255, 0);
        byte[] d = std.dataInBytes(run(u, std));
        assertEquals(0, d[0]);
        assertEquals(0x04, d[64]);
        assertEquals((byte) 0xC0, d[65]);
        assertTrue(u.parse(std).allowedWithUnitAttention());
        FakeScsiTask pages = FakeScsiTask.of(0x12, 1, 0, 0, 255, 0);
        assertArrayEquals(new byte[] {0, 0, 0, 5, 0, (byte) 0x80, (byte) 0x83, (byte) 0xB0, (byte) 0xB1},
                pages.dataInBytes(run(u, pages)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x12, 1, 0xB2, 0, 255, 0)));
    }

    @Test
    void modeSenseReportsDpofuaWriteProtectAndWriteCache() throws Exception {
        DiskUnit plain = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0, 0x3F, 0, 255, 0);
        byte[] d = t.dataInBytes(run(plain, t));
        assertEquals(0x10, d[2], "DPOFUA, not WP");
        assertEquals(8, d[3]);
        assertArrayEquals(new byte[] {0, 0, 0x08, 0, 0, 0, 0x02, 0}, Arrays.copyOfRange(d, 4, 12));
        assertEquals(0x08, d[12], "caching page first");
        assertEquals(0x00, d[14], "WCE 0 without a volatile cache");
        assertEquals(0x0A, d[32], "control page");
        assertEquals(0x02, d[34], "D_SENSE 0, GLTSD");
        assertEquals(0x1C, d[44], "informational exceptions");
        assertEquals(d.length - 1, d[0]);

        DiskUnit cached = DiskUnit.create(spec(512, true, Map.of("sense.format", "descriptor")),
                new RecordingStore(MIB, StoreCapability.FLUSH), workers);
        FakeScsiTask c = FakeScsiTask.of(0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0, 255, 0);
        byte[] cd = c.dataInBytes(run(cached, c));
        assertEquals((byte) 0x90, cd[3], "WP and DPOFUA");
        assertEquals(0, cd[7], "DBD");
        assertEquals(0x04, cd[10], "WCE");
        assertEquals(0x06, cd[30], "D_SENSE");
        invalidField(2, 5, () -> plain.parse(FakeScsiTask.of(0x1A, 0, 0x01, 0, 255, 0)));
        expect(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, () -> plain.parse(FakeScsiTask.of(0x1A, 0, 0xFF, 0, 255, 0)));
    }

    @Test
    void modeSenseTruncatesWithoutError() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0, 0x3F, 0, 4, 0);
        assertEquals(4, run(u, t));
    }
}
