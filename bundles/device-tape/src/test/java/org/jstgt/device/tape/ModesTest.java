package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** MODE SENSE and MODE SELECT: header, block descriptor, and the pages. */
class ModesTest extends TapeTestBase {

    static FakeScsiTask sense6(int dbd, int page, int allocation) {
        return FakeScsiTask.of(0x1A, dbd, page, 0, allocation, 0);
    }

    static FakeScsiTask select6(int flags, byte[] list) {
        return FakeScsiTask.of(0x15, flags, 0, 0, list.length, 0).withDataOut(list);
    }

    @Test
    void linuxStOpenSenseHeaderAndBlockDescriptor() throws Exception {
        TapeUnit u = unit(MIB);
        Reply r = good(u, sense6(0, 0, 12));
        byte[] d = r.data();
        assertEquals(12, r.length());
        assertEquals(8, d[3], "block descriptor length");
        assertEquals(0x10, d[2] & 0xFF, "buffered mode 1, not write-protected");
        assertEquals(0x4B, d[4] & 0xFF, "DLT-S4 density");
        assertEquals(0, ((d[9] & 0xFF) << 16) | Bytes.u16(d, 10), "variable-block mode");
        assertEquals(0, d[1], "medium type");
    }

    @Test
    void writeProtectBitAndNoCartridge() throws Exception {
        TapeUnit u = unit(new MemoryTape(MIB).writeProtected(true));
        assertEquals(0x90, good(u, sense6(0, 0, 12)).data()[2] & 0xFF);
        TapeUnit e = empty();
        byte[] d = good(e, sense6(0, 0, 12)).data();
        assertEquals(0, d[4], "no density without a cartridge");
    }

    @Test
    void allPagesAndBlockDescriptorInBothForms() throws Exception {
        TapeUnit u = unit(MIB);
        Reply r = good(u, sense6(0, 0x3F, 255));
        byte[] d = r.data();
        assertEquals(r.length() - 1, d[0] & 0xFF, "MODE DATA LENGTH");
        int at = 4 + 8;
        List<Integer> codes = new java.util.ArrayList<>();
        while (at < r.length()) {
            codes.add(d[at] & 0x3F);
            at += 2 + (d[at + 1] & 0xFF);
        }
        assertEquals(List.of(0x0A, 0x0F, 0x10, 0x1C), codes);
        Reply ten = good(u, FakeScsiTask.of(0x5A, 0, 0x3F, 0, 0, 0, 0, 1, 0, 0));
        byte[] t = ten.data();
        assertEquals(ten.length() - 2, Bytes.u16(t, 0));
        assertEquals(8, Bytes.u16(t, 6));
        assertEquals(0x4B, t[8] & 0xFF);
        assertEquals(0x10, t[3] & 0xFF);
        Reply dbd = good(u, sense6(0x08, 0x0F, 255));
        assertEquals(0, dbd.data()[3]);
        assertEquals(4 + 16, dbd.length());
        byte[] dc = dbd.data();
        assertEquals(0x0F, dc[4]);
        assertEquals(0x0E, dc[5]);
        assertEquals(0x40, dc[6] & 0xFF, "DCC, DCE off");
    }

    @Test
    void changeableAndDefaultValues() throws Exception {
        TapeUnit u = unit(MIB);
        byte[] c = good(u, sense6(0, 0x40 | 0x0F, 255)).data();
        assertEquals(0xFF, c[4] & 0xFF, "density changeable");
        assertEquals(0xFFFFFF, ((c[9] & 0xFF) << 16) | Bytes.u16(c, 10), "block length changeable");
        assertEquals(0x80, c[14] & 0xFF, "DCE changeable");
        byte[] def = good(u, sense6(0, 0x80 | 0x0F, 255)).data();
        assertEquals(0x4B, def[4] & 0xFF);
        check(u, sense6(0, 0xC0 | 0x0F, 255), SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED);
    }

    @Test
    void senseFieldChecks() throws Exception {
        TapeUnit u = unit(MIB);
        invalidField(2, 5, () -> u.parse(sense6(0, 0x08, 255)));
        invalidField(1, 4, () -> u.parse(sense6(0x10, 0, 255)));
        invalidField(4, -1, () -> u.parse(FakeScsiTask.of(0x5A, 0, 0x3F, 0, 1, 0, 0, 1, 0, 0)));
    }

    @Test
    void selectSetsBlockLengthDensityAndBufferedMode() throws Exception {
        TapeUnit u = unit(MIB);
        // st's MTSETBLK: header, descriptor with the current density
        byte[] list = {0, 0, 0x10, 8, 0x4B, 0, 0, 0, 0, 0, 0x02, 0x00};
        good(u, select6(0x10, list));
        byte[] d = good(u, sense6(0, 0, 12)).data();
        assertEquals(512, ((d[9] & 0xFF) << 16) | Bytes.u16(d, 10));
        assertEquals(List.of(SenseReason.MODE_PARAMETERS_CHANGED.sense()), context.raised());
        byte[] density = {0, 0, 0x00, 8, 0x4A, 0, 0, 0, 0, 0, 0, 0};
        good(u, select6(0x10, density));
        d = good(u, sense6(0, 0, 12)).data();
        assertEquals(0x4A, d[4] & 0xFF);
        assertEquals(0x00, d[2] & 0xFF, "buffered mode 0");
        assertEquals(0, ((d[9] & 0xFF) << 16) | Bytes.u16(d, 10));
        byte[] deflt = {0, 0, 0x10, 8, 0x00, 0, 0, 0, 0, 0, 0, 0};
        good(u, select6(0x00, deflt));
        assertEquals(0x4B, good(u, sense6(0, 0, 12)).data()[4] & 0xFF, "PF 0 taken without pages");
    }

    @Test
    void unbufferedWritesSyncEachTime() throws Exception {
        TapeUnit u = unit(MIB);
        good(u, select6(0x10, new byte[] {0, 0, 0x00, 0}));
        int syncs = tape().syncs;
        writeBlock(u, pattern(10, 1));
        writeBlock(u, pattern(10, 2));
        assertEquals(syncs + 2, tape().syncs);
    }

    @Test
    void selectCompressionThroughPage0F() throws Exception {
        TapeUnit u = unit(MIB);
        byte[] list = new byte[4 + 8 + 16];
        list[3] = 8;
        list[4] = 0x7F;
        list[12] = 0x0F;
        list[13] = 0x0E;
        list[14] = (byte) 0xC0;
        list[15] = (byte) 0x80;
        good(u, select6(0x10, list));
        byte[] d = good(u, sense6(0x08, 0x0F, 255)).data();
        assertEquals(0xC0, d[6] & 0xFF, "DCE set");
        byte[] cfg = good(u, sense6(0x08, 0x10, 255)).data();
        assertEquals(1, cfg[4 + 14], "SELECT DATA COMPRESSION ALGORITHM follows DCE");
    }

    @Test
    void selectParameterListChecks() throws Exception {
        TapeUnit u = unit(MIB);
        invalidAtRun(u, select6(0x10, new byte[] {0, 0, 0x20, 0}), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false,
                2, 6);
        invalidAtRun(u, select6(0x10, new byte[] {0, 0, 0x01, 0}), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false,
                2, 3);
        invalidAtRun(u, select6(0x10, new byte[] {0, 0, 0x10, 4, 0, 0, 0, 0}),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, 3, -1);
        invalidAtRun(u, select6(0x10, new byte[] {0, 0, 0x10, 8, 0x33, 0, 0, 0, 0, 0, 0, 0}),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, 4, -1);
        invalidAtRun(u, select6(0x10, new byte[] {0, 0, 0x10, 8, 0x7F, 0, 0, 0, 0, (byte) 0xFF, 0, 0}),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, 9, -1);
        check(u, select6(0x10, new byte[] {0, 0, 0x10, 8, 0x7F}), SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        // an unknown page after the block descriptor: the pointer names its byte in the whole list
        byte[] unknown = new byte[4 + 8 + 4];
        unknown[3] = 8;
        unknown[4] = 0x7F;
        unknown[12] = 0x08;
        unknown[13] = 2;
        invalidAtRun(u, select6(0x10, unknown), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, 12, 5);
        // a change of a bit that is not changeable (DCC)
        byte[] dcc = new byte[4 + 16];
        dcc[4] = 0x0F;
        dcc[5] = 0x0E;
        dcc[6] = 0x00;
        dcc[7] = (byte) 0x80;
        invalidAtRun(u, select6(0x10, dcc), SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, 6, 6);
        invalidAtRun(u, select6(0x00, dcc), SenseReason.INVALID_FIELD_IN_CDB, true, 1, 4);
        invalidField(1, 0, () -> u.parse(select6(0x11, new byte[4])));
        invalidField(2, -1, () -> u.parse(FakeScsiTask.of(0x15, 0x10, 1, 0, 4, 0)));
        good(u, FakeScsiTask.of(0x15, 0x10, 0, 0, 0, 0));
        assertTrue(context.raised().isEmpty());
    }

    @Test
    void select10() throws Exception {
        TapeUnit u = unit(MIB);
        byte[] list = new byte[16];
        list[3] = 0x10;
        list[7] = 8;
        list[8] = 0x7F;
        list[14] = 0x04;
        good(u, FakeScsiTask.of(0x55, 0x10, 0, 0, 0, 0, 0, 0, 16, 0).withDataOut(list));
        byte[] d = good(u, sense6(0, 0, 12)).data();
        assertEquals(1024, ((d[9] & 0xFF) << 16) | Bytes.u16(d, 10));
        list[4] = 1;
        invalidAtRun(u, FakeScsiTask.of(0x55, 0x10, 0, 0, 0, 0, 0, 0, 16, 0).withDataOut(list),
                SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, false, 4, 0);
    }
}
