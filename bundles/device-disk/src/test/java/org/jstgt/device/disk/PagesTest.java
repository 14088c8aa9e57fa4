package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

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
        assertArrayEquals(new byte[] {0, 0, 0, 6, 0, (byte) 0x80, (byte) 0x83, (byte) 0x86, (byte) 0xB0, (byte) 0xB1},
                pages.dataInBytes(run(u, pages)));
        FakeScsiTask ext = FakeScsiTask.of(0x12, 1, 0x86, 0, 255, 0);
        byte[] e = ext.dataInBytes(run(u, ext));
        assertEquals(0x07, e[5], "HEADSUP, ORDSUP, SIMPSUP: the core's task set honours all three");
        assertEquals(0x00, e[6], "V_SUP 0: the store has no volatile cache");
        DiskUnit cached = unit(new RecordingStore(MIB, StoreCapability.FLUSH));
        FakeScsiTask ext2 = FakeScsiTask.of(0x12, 1, 0x86, 0, 255, 0);
        byte[] c = ext2.dataInBytes(run(cached, ext2));
        assertEquals(0x01, c[6], "V_SUP");
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
        // pages ascending, PS set on each: 01h (12 bytes), 02h (16), 08h (20), 0Ah (12), 1Ch (12)
        assertEquals((byte) 0x81, d[12], "read-write error recovery first");
        assertEquals((byte) 0x82, d[24], "disconnect-reconnect");
        assertEquals((byte) 0x88, d[40], "caching");
        assertEquals(0x00, d[42], "WCE 0 without a volatile cache");
        assertEquals((byte) 0x8A, d[60], "control page");
        assertEquals(0x02, d[62], "D_SENSE 0, GLTSD");
        assertEquals((byte) 0x9C, d[72], "informational exceptions");
        assertEquals(84, d.length);
        assertEquals(d.length - 1, d[0]);

        DiskUnit cached = DiskUnit.create(spec(512, true, Map.of("sense.format", "descriptor")),
                new RecordingStore(MIB, StoreCapability.FLUSH), workers);
        FakeScsiTask c = FakeScsiTask.of(0x5A, 0x08, 0x3F, 0, 0, 0, 0, 0, 255, 0);
        byte[] cd = c.dataInBytes(run(cached, c));
        assertEquals((byte) 0x90, cd[3], "WP and DPOFUA");
        assertEquals(0, cd[7], "DBD");
        assertEquals(0x04, cd[38], "WCE");
        assertEquals(0x06, cd[58], "D_SENSE");
        invalidField(2, 5, () -> plain.parse(FakeScsiTask.of(0x1A, 0, 0x03, 0, 255, 0)));
    }

    @Test
    void modeSenseTruncatesWithoutError() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0, 0x3F, 0, 4, 0);
        assertEquals(4, run(u, t));
    }
}
