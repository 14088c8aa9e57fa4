package org.jstgt.scsi.spc;

import static org.jstgt.scsi.spc.Expect.invalidField;
import static org.jstgt.scsi.spc.Expect.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (SPC-4 §6.40) as every opcode table answers it. */
class SupportedTaskManagementTest {
    private final OpcodeTable table = OpcodeTable.builder().reportSupportedOperationCodes().build();

    private static FakeScsiTask rstmf(int byte2, int alloc) {
        return FakeScsiTask.of(0xA3, 0x0D, byte2, 0, 0, 0, alloc >>> 24, (alloc >>> 16) & 0xFF, (alloc >>> 8) & 0xFF,
                alloc & 0xFF, 0, 0);
    }

    private byte[] ask(FakeScsiTask t) throws Exception {
        CommandDescriptor d = table.parse(t);
        return t.dataInBytes(run(d, t));
    }

    @Test
    void reportsWhatTheTaskManagerDoes() throws Exception {
        // ATS, ATSS, CTSS, LURS, TRS; not CLEAR ACA, no QUERY functions, no I_T NEXUS RESET
        assertArrayEquals(new byte[] {(byte) 0xDA, 0, 0, 0}, ask(rstmf(0, 255)));
    }

    @Test
    void extendedFormatWithRepd() throws Exception {
        byte[] d = ask(rstmf(0x80, 255));
        assertEquals(16, d.length);
        assertArrayEquals(new byte[] {(byte) 0xDA, 0, 0, 0x0C}, java.util.Arrays.copyOf(d, 4));
        assertArrayEquals(new byte[12], java.util.Arrays.copyOfRange(d, 4, 16), "no timeouts (TMFTMOV 0)");
    }

    @Test
    void allocationLengthCutsTheData() throws Exception {
        assertArrayEquals(new byte[] {(byte) 0xDA, 0}, ask(rstmf(0x80, 2)));
        CommandDescriptor none = table.parse(rstmf(0, 0));
        assertEquals(DataDirection.NONE, none.direction());
    }

    @Test
    void reservedFieldsAreInvalid() {
        invalidField(1, 7, () -> table.parse(FakeScsiTask.of(0xA3, 0x8D, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0)));
        invalidField(2, 0, () -> table.parse(rstmf(0x01, 16)));
        invalidField(4, -1, () -> table.parse(FakeScsiTask.of(0xA3, 0x0D, 0, 0, 1, 0, 0, 0, 0, 16, 0, 0)));
        invalidField(10, 0, () -> table.parse(FakeScsiTask.of(0xA3, 0x0D, 0, 0, 0, 0, 0, 0, 0, 16, 1, 0)));
    }

    @Test
    void listedByReportSupportedOperationCodes() throws Exception {
        FakeScsiTask one = FakeScsiTask.of(0xA3, 0x0C, 0x02, 0xA3, 0, 0x0D, 0, 0, 0, 64, 0, 0);
        byte[] d = one.dataInBytes(run(table.parse(one), one));
        assertArrayEquals(new byte[] {0, 0x03, 0, 12, (byte) 0xA3, 0x0D, (byte) 0x80, 0, 0, 0, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 0, 0}, d);
        assertFalse(table.info(0xA3, 0x0D).orElseThrow().allowedWithUnitAttention());
    }
}
