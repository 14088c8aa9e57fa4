package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** READ BLOCK LIMITS and REPORT DENSITY SUPPORT. */
class LimitsTest extends TapeTestBase {

    @Test
    void readBlockLimits() throws Exception {
        TapeUnit u = empty();
        Reply r = good(u, FakeScsiTask.of(0x05, 0, 0, 0, 0, 0));
        assertEquals(6, r.length());
        byte[] d = r.data();
        assertEquals(0, d[0]);
        assertEquals(Transfers.MAX_TRANSFER, ((d[1] & 0xFF) << 16) | Bytes.u16(d, 2));
        assertEquals(1, Bytes.u16(d, 4));
        check(u, FakeScsiTask.of(0x05, 1, 0, 0, 0, 0), SenseReason.MEDIUM_NOT_PRESENT);
        invalidField(1, 1, () -> u.parse(FakeScsiTask.of(0x05, 2, 0, 0, 0, 0)));
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0x05, 0, 0, 1, 0, 0)));
    }

    @Test
    void readBlockLimitsMaximumLogicalObjectIdentifier() throws Exception {
        TapeUnit u = unit(MIB);
        Reply r = good(u, FakeScsiTask.of(0x05, 1, 0, 0, 0, 0));
        assertEquals(20, r.length());
        assertEquals(MIB / (MemoryTape.OVERHEAD + 1), Bytes.u64(r.data(), 12));
    }

    @Test
    void reportDensitySupportListsTheDltDensities() throws Exception {
        TapeUnit u = empty();
        Reply r = good(u, FakeScsiTask.of(0x44, 0, 0, 0, 0, 0, 0, 0x10, 0, 0));
        byte[] d = r.data();
        int n = Density.values().length;
        assertEquals(4 + 52 * n, r.length());
        assertEquals(2 + 52 * n, Bytes.u16(d, 0));
        int s4 = 4 + 52 * Density.DLT_S4.ordinal();
        assertEquals(0x4B, d[s4] & 0xFF);
        assertEquals(0xA0, d[s4 + 2] & 0xFF, "WRTOK and DEFLT");
        assertEquals(800_000, Bytes.u32(d, s4 + 12));
        assertEquals("DLT-S4  ", new String(d, s4 + 24, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0x80, d[4 + 2] & 0xFF, "WRTOK only");
        check(u, FakeScsiTask.of(0x44, 1, 0, 0, 0, 0, 0, 0x10, 0, 0), SenseReason.MEDIUM_NOT_PRESENT);
        assertEquals(10, good(u, FakeScsiTask.of(0x44, 0, 0, 0, 0, 0, 0, 0, 10, 0)).length());
        invalidField(1, 2, () -> u.parse(FakeScsiTask.of(0x44, 4, 0, 0, 0, 0, 0, 0, 10, 0)));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x44, 0, 1, 0, 0, 0, 0, 0, 10, 0)));
    }

    @Test
    void reportDensitySupportOfTheMediumAndMediumTypes() throws Exception {
        TapeUnit u = unit(MIB);
        Reply r = good(u, FakeScsiTask.of(0x44, 1, 0, 0, 0, 0, 0, 0x10, 0, 0));
        assertEquals(56, r.length());
        assertEquals(0x4B, r.data()[4] & 0xFF);
        Reply m = good(u, FakeScsiTask.of(0x44, 2, 0, 0, 0, 0, 0, 0x10, 0, 0));
        assertEquals(60, m.length());
        byte[] d = m.data();
        assertEquals(52, Bytes.u16(d, 6));
        assertEquals(Density.values().length, d[8]);
        assertEquals(127, Bytes.u16(d, 18));
    }
}
