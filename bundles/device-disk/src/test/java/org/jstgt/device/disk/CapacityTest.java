package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;

import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** READ CAPACITY(10)/(16) and the Block Limits and Block Device Characteristics VPD pages. */
class CapacityTest extends DiskTestBase {
    @Test
    void blockLimitsPage() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(64, d.length);
        byte[] head = {0, (byte) 0xB0, 0, 0x3C, 0, (byte) 0xFF, 0, 8, 0, 0, 0x40, 0, 0, 0, 0x08, 0};
        assertArrayEquals(head, Arrays.copyOf(d, 16),
                "WSNZ 0, COMPARE AND WRITE up to 255, granularity 8 blocks, max 16384, optimal 2048");
        for (int i = 16; i < 36; i++) {
            assertEquals(0, d[i], "no UNMAP limits, byte " + i);
        }
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0x20, 0, 0}, Arrays.copyOfRange(d, 36, 44),
                "MAXIMUM WRITE SAME LENGTH 1 GiB");
        for (int i = 44; i < 64; i++) {
            assertEquals(0, d[i], "byte " + i);
        }
        DiskUnit big = DiskUnit.create(spec(4096, false, Map.of()), new RecordingStore(MIB), workers);
        FakeScsiTask t4 = FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0);
        byte[] d4 = t4.dataInBytes(run(big, t4));
        assertEquals(1, d4[7], "granularity 1 block of 4 KiB");
        assertEquals(2048, ((d4[10] & 0xFF) << 8) | (d4[11] & 0xFF));
    }

    @Test
    void blockDeviceCharacteristicsPage() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0x12, 1, 0xB1, 0, 255, 0);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(64, d.length);
        assertArrayEquals(new byte[] {0, (byte) 0xB1, 0, 0x3C, 0, 1, 0, 0}, Arrays.copyOf(d, 8));
        FakeScsiTask shortAlloc = FakeScsiTask.of(0x12, 1, 0xB1, 0, 6, 0);
        assertEquals(6, run(u, shortAlloc));
    }

    @Test
    void readCapacity10() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = cdb10(0x25, 0, 0, 0);
        assertEquals(8, u.parse(t).transferLength());
        assertArrayEquals(new byte[] {0, 0, 0x07, (byte) 0xFF, 0, 0, 0x02, 0}, t.dataInBytes(run(u, t)));
        // PMI 0 with an LBA is an error; with PMI 1 the LBA is accepted
        invalidField(2, -1, () -> u.parse(cdb10(0x25, 0, 5, 0)));
        FakeScsiTask pmi = cdb10(0x25, 0, 5, 0).withCdbByte(8, 1);
        assertEquals(8, run(u, pmi));
        invalidField(8, 1, () -> u.parse(cdb10(0x25, 0, 0, 0).withCdbByte(8, 2)));
        invalidField(1, 1, () -> u.parse(cdb10(0x25, 2, 0, 0)));
    }

    @Test
    void readCapacity10Beyond2TiBReportsFFFFFFFF() throws Exception {
        RecordingStore s = new RecordingStore((0xFFFF_FFFFL + 2) * 512);
        DiskUnit u = unit(s);
        FakeScsiTask t = cdb10(0x25, 0, 0, 0);
        assertArrayEquals(new byte[] {-1, -1, -1, -1, 0, 0, 2, 0}, t.dataInBytes(run(u, t)));
        // last LBA FFFFFFFEh still fits
        DiskUnit edge = unit(new RecordingStore(0xFFFF_FFFFL * 512));
        FakeScsiTask e = cdb10(0x25, 0, 0, 0);
        assertArrayEquals(new byte[] {-1, -1, -1, -2, 0, 0, 2, 0}, e.dataInBytes(run(edge, e)));
        FakeScsiTask t16 = cdb16(0x9E, 0x10, 0, 32);
        byte[] d = t16.dataInBytes(run(u, t16));
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0}, Arrays.copyOf(d, 12));
    }

    @Test
    void readCapacity16() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = cdb16(0x9E, 0x10, 0, 32);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(32, d.length);
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0x07, (byte) 0xFF, 0, 0, 0x02, 0, 0, 0, 0, 0},
                Arrays.copyOf(d, 16));
        // allocation lengths 0-15 are not errors (libiscsi readcapacity16_alloclen)
        for (int alloc = 0; alloc < 16; alloc++) {
            FakeScsiTask a = cdb16(0x9E, 0x10, 0, alloc);
            assertEquals(alloc, run(u, a));
        }
        invalidField(2, -1, () -> u.parse(cdb16(0x9E, 0x10, 1, 32)));
        assertEquals(32, run(u, cdb16(0x9E, 0x10, 1, 32).withCdbByte(14, 1)));
        invalidField(1, 5, () -> u.parse(cdb16(0x9E, 0x30, 0, 32)));
    }
}
