package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** INQUIRY, VPD pages, the unit's identity and REPORT SUPPORTED OPERATION CODES. */
class IdentityTest extends TapeTestBase {

    @Test
    void standardInquiryIsARemovableSequentialAccessDevice() throws Exception {
        TapeUnit u = empty();
        byte[] d = good(u, FakeScsiTask.of(0x12, 0, 0, 0, 96, 0)).data();
        assertEquals(1, d[0]);
        assertEquals(0x80, d[1] & 0xFF, "RMB");
        assertEquals(0x0400, Bytes.u16(d, 58 + 6), "SSC-3 version descriptor");
        assertEquals(1, u.peripheralDeviceType());
        assertEquals(Queueing.IN_ORDER, u.queueing());
        assertTrue(u.parse(FakeScsiTask.of(0x12, 0, 0, 0, 96, 0)).allowedWithUnitAttention());
    }

    @Test
    void vpdPages() throws Exception {
        TapeUnit u = empty();
        byte[] pages = good(u, FakeScsiTask.of(0x12, 1, 0, 0, 255, 0)).data();
        Set<Integer> codes = new HashSet<>();
        for (int i = 0; i < pages[3]; i++) {
            codes.add(pages[4 + i] & 0xFF);
        }
        assertEquals(Set.of(0x00, 0x80, 0x83, 0x86, 0xB0), codes);
        byte[] b0 = good(u, FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0)).data();
        assertEquals(1, b0[0]);
        assertEquals(2, Bytes.u16(b0, 2));
        assertEquals(1, b0[4] & 0x01, "WORM");
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x12, 1, 0xB1, 0, 255, 0)));
    }

    @Test
    void reportSupportedOperationCodesListsTheTapeCommands() throws Exception {
        TapeUnit u = empty();
        Reply r = good(u, FakeScsiTask.of(0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0));
        byte[] d = r.data();
        Set<Integer> ops = new HashSet<>();
        for (int at = 4; at < r.length(); at += 8) {
            ops.add(d[at] & 0xFF);
        }
        for (int op : new int[] {0x00, 0x01, 0x05, 0x08, 0x0A, 0x10, 0x11, 0x12, 0x15, 0x19, 0x1A, 0x1B, 0x1E, 0x2B,
            0x34, 0x44, 0x4D, 0x55, 0x5A, 0x91, 0x92, 0xA3}) {
            assertTrue(ops.contains(op), String.format("opcode %02Xh listed", op));
        }
        check(u, FakeScsiTask.of(0x2F, 0, 0, 0, 0, 0, 0, 0, 0, 0), SenseReason.INVALID_COMMAND_OPERATION_CODE);
    }

    @Test
    void controlByteIsChecked() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(5, 2, () -> u.parse(FakeScsiTask.of(0x08, 0, 0, 0, 1, 0x04)));
        invalidField(9, 0, () -> u.parse(FakeScsiTask.of(0x2B, 0, 0, 0, 0, 0, 0, 0, 0, 0x01)));
    }
}
