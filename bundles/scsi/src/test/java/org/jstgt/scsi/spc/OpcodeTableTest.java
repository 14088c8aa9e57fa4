package org.jstgt.scsi.spc;

import static org.jstgt.scsi.spc.Expect.invalidField;
import static org.jstgt.scsi.spc.Expect.run;
import static org.jstgt.scsi.spc.Expect.sense;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

class OpcodeTableTest {
    private final AtomicInteger calls = new AtomicInteger();

    private OpcodeTable table() {
        return OpcodeTable.builder()
                .command(0x00, "TEST UNIT READY", 6).reservation(ReservationClass.ALLOWED)
                .handler(t -> {
                    calls.incrementAndGet();
                    return Commands.good();
                })
                .command(0x28, "READ(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0xFF, 0xFF, 0x00)
                .handler(t -> Commands.dataIn(512, x -> new byte[512]))
                .command(0x9E, 0x10, "READ CAPACITY(16)", 16).in().reservation(ReservationClass.ALLOWED)
                .handler(t -> Commands.dataIn(32, x -> new byte[32]))
                .command(0x12, "INQUIRY", 6).in().allowedWithUnitAttention().reservation(ReservationClass.ALLOWED)
                .handler(t -> Commands.dataIn(36, x -> new byte[36]))
                .command(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", 6)
                .reservation(ReservationClass.WRITE,
                        cdb -> cdb.u8(4) == 0 ? ReservationClass.ALLOWED : ReservationClass.WRITE)
                .handler(t -> Commands.good())
                .reportSupportedOperationCodes()
                .build();
    }

    @Test
    void dispatchesByOpcodeAndServiceAction() throws Exception {
        OpcodeTable t = table();
        CommandDescriptor d = t.parse(FakeScsiTask.of(0x00));
        assertEquals(1, calls.get());
        assertEquals(DataDirection.NONE, d.direction());
        assertEquals(32, t.parse(FakeScsiTask.of(0x9E, 0x10)).transferLength());
        assertTrue(t.parse(FakeScsiTask.of(0x12)).allowedWithUnitAttention());
        assertFalse(t.parse(FakeScsiTask.of(0x28)).allowedWithUnitAttention());
    }

    @Test
    void unknownOpcodeIsInvalidCommandOperationCode() {
        sense(SenseReason.INVALID_COMMAND_OPERATION_CODE, 0, -1, () -> table().parse(FakeScsiTask.of(0x2A)));
    }

    @Test
    void unknownServiceActionPointsAtTheServiceActionField() {
        invalidField(1, 4, () -> table().parse(FakeScsiTask.of(0x9E, 0x11)));
    }

    @Test
    void controlByteIsCheckedForEveryCommand() {
        invalidField(5, 2, () -> table().parse(FakeScsiTask.of(0x00, 0, 0, 0, 0, 0x04)));
        invalidField(15, 0, () -> table().parse(FakeScsiTask.of(0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
        assertEquals(0, calls.get(), "the parser does not run when CONTROL is bad");
    }

    @Test
    void duplicateRegistrationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> OpcodeTable.builder()
                .command(0x00, "A", 6).handler(t -> Commands.good())
                .command(0x00, "B", 6).handler(t -> Commands.good()).build());
        assertThrows(IllegalArgumentException.class, () -> OpcodeTable.builder()
                .command(0x9E, 0x10, "A", 16).handler(t -> Commands.good())
                .command(0x9E, "B", 16).handler(t -> Commands.good()).build());
        assertThrows(IllegalArgumentException.class, () -> OpcodeTable.builder()
                .command(0x28, "A", 10).usage(0, 0));
    }

    @Test
    void reportAllCommands() throws Exception {
        OpcodeTable t = table();
        FakeScsiTask task = FakeScsiTask.of(0xA3, 0x0C, 0x00, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0);
        int n = run(t.parse(task), task);
        byte[] d = task.dataInBytes(n);
        List<OpcodeInfo> cmds = t.commands();
        // the table's 7 rows and the 16 of the reservation commands the core answers
        assertEquals(7 + 16, cmds.size());
        assertEquals(4 + 8 * cmds.size(), n);
        assertEquals(8 * cmds.size(), Bytes.u32(d, 0));
        // sorted by opcode then service action: 00, 12, 16, 17, 1E, 28, 56, 57, 5E/0-3, 5F/0-7, 9E/10, A3/0C, A3/0D
        assertArrayEquals(new byte[] {0x00, 0, 0, 0, 0, 0x00, 0, 6}, descriptor(d, 0));
        assertArrayEquals(new byte[] {0x16, 0, 0, 0, 0, 0x00, 0, 6}, descriptor(d, 2));
        assertArrayEquals(new byte[] {0x28, 0, 0, 0, 0, 0x00, 0, 10}, descriptor(d, 5));
        assertArrayEquals(new byte[] {0x57, 0, 0, 0, 0, 0x00, 0, 10}, descriptor(d, 7));
        assertArrayEquals(new byte[] {0x5E, 0, 0, 0x03, 0, 0x01, 0, 10}, descriptor(d, 11));
        assertArrayEquals(new byte[] {0x5F, 0, 0, 0x07, 0, 0x01, 0, 10}, descriptor(d, 19));
        assertArrayEquals(new byte[] {(byte) 0x9E, 0, 0, 0x10, 0, 0x01, 0, 16}, descriptor(d, 20));
        assertArrayEquals(new byte[] {(byte) 0xA3, 0, 0, 0x0C, 0, 0x01, 0, 12}, descriptor(d, 21));
        assertArrayEquals(new byte[] {(byte) 0xA3, 0, 0, 0x0D, 0, 0x01, 0, 12}, descriptor(d, 22));
    }

    private static byte[] descriptor(byte[] allCommands, int index) {
        return java.util.Arrays.copyOfRange(allCommands, 4 + 8 * index, 12 + 8 * index);
    }

    @Test
    void reservationCommandsAreListedButAnsweredByTheCore() throws Exception {
        OpcodeTable t = table();
        FakeScsiTask one = FakeScsiTask.of(0xA3, 0x0C, 0x02, 0x5F, 0, 0x01, 0, 0, 0x10, 0x00, 0, 0);
        int n = run(t.parse(one), one);
        // SUPPORTED, 10-byte CDB: SERVICE ACTION, SCOPE and TYPE, PARAMETER LIST LENGTH used
        assertArrayEquals(new byte[] {0, 0x03, 0, 10, 0x5F, 0x01, (byte) 0xFF, 0, 0, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF, 0}, one.dataInBytes(n));
        sense(SenseReason.INVALID_COMMAND_OPERATION_CODE, 0, -1, () -> t.parse(FakeScsiTask.of(0x5E, 0x00)));
        sense(SenseReason.INVALID_COMMAND_OPERATION_CODE, 0, -1, () -> t.parse(FakeScsiTask.of(0x16)));
        assertEquals("PERSISTENT RESERVE OUT(REGISTER AND MOVE)", t.info(0x5F, 0x07).orElseThrow().name());
        assertEquals("RELEASE(10)", t.info(0x57, -1).orElseThrow().name());
    }

    @Test
    void reservationClassIsTheRowsOrTheCdbs() {
        OpcodeTable t = table();
        assertEquals(ReservationClass.READ, t.reservationClass(new Cdb(new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0})));
        assertEquals(ReservationClass.ALLOWED, t.reservationClass(new Cdb(new byte[] {(byte) 0x9E, 0x10, 0, 0})));
        assertEquals(ReservationClass.ALLOWED, t.reservationClass(new Cdb(new byte[] {0x1E, 0, 0, 0, 0, 0})));
        assertEquals(ReservationClass.WRITE, t.reservationClass(new Cdb(new byte[] {0x1E, 0, 0, 0, 1, 0})));
        // the row shows the strictest
        assertEquals(ReservationClass.WRITE, t.info(0x1E, -1).orElseThrow().reservation());
        // unknown opcodes and service actions take the fail-safe class
        assertEquals(ReservationClass.WRITE, t.reservationClass(new Cdb(new byte[] {0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0})));
        assertEquals(ReservationClass.WRITE, t.reservationClass(new Cdb(new byte[] {(byte) 0x9E, 0x11, 0, 0})));
        assertEquals(ReservationClass.READ, t.reservationClass(new Cdb(new byte[] {(byte) 0xA3, 0x0C, 0, 0})),
                "REPORT SUPPORTED OPERATION CODES goes through Write Exclusive only");
        assertEquals(ReservationClass.READ, t.reservationClass(new Cdb(new byte[] {(byte) 0xA3, 0x0D, 0, 0})));
    }

    @Test
    void reportAllCommandsWithTimeoutDescriptors() throws Exception {
        FakeScsiTask task = FakeScsiTask.of(0xA3, 0x0C, 0x80, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0);
        int n = run(table().parse(task), task);
        byte[] d = task.dataInBytes(n);
        assertEquals(4 + 20 * 23, n);
        // CTDP set in each descriptor, then a timeouts descriptor with DESCRIPTOR LENGTH 0Ah
        assertEquals(0x02, d[4 + 5]);
        assertEquals(0x0A, Bytes.u16(d, 4 + 8));
        assertEquals(0x03, d[4 + 20 * 20 + 5], "READ CAPACITY(16): CTDP and SERVACTV");
    }

    @Test
    void reportOneCommandWithUsageData() throws Exception {
        FakeScsiTask task = FakeScsiTask.of(0xA3, 0x0C, 0x01, 0x28, 0, 0, 0, 0, 0x10, 0x00, 0, 0);
        int n = run(table().parse(task), task);
        assertArrayEquals(new byte[] {0, 0x03, 0, 10, 0x28, (byte) 0xF8, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, 0x1F, (byte) 0xFF, (byte) 0xFF, 0x00}, task.dataInBytes(n));
    }

    @Test
    void reportOneCommandDefaultUsageAndServiceAction() throws Exception {
        FakeScsiTask task = FakeScsiTask.of(0xA3, 0x0C, 0x02, 0x9E, 0, 0x10, 0, 0, 0x10, 0x00, 0, 0);
        int n = run(table().parse(task), task);
        byte[] d = task.dataInBytes(n);
        assertEquals(4 + 16, n);
        assertEquals((byte) 0x9E, d[4]);
        assertEquals((byte) 0xF0, d[5], "service action in usage byte 1, reserved bits as given");
        assertEquals((byte) 0xFF, d[6]);
        assertEquals(0x00, d[19], "CONTROL not used");
    }

    @Test
    void reportOneCommandNotSupported() throws Exception {
        FakeScsiTask task = FakeScsiTask.of(0xA3, 0x0C, 0x01, 0x2A, 0, 0, 0, 0, 0x10, 0x00, 0, 0);
        int n = run(table().parse(task), task);
        assertArrayEquals(new byte[] {0, 0x01, 0, 0}, task.dataInBytes(n));
        FakeScsiTask sa = FakeScsiTask.of(0xA3, 0x0C, 0x02, 0x9E, 0, 0x11, 0, 0, 0x10, 0x00, 0, 0);
        n = run(table().parse(sa), sa);
        assertArrayEquals(new byte[] {0, 0x01, 0, 0}, sa.dataInBytes(n));
    }

    @Test
    void reportOneCommandRefusesTheWrongOptionForServiceActions() {
        // option 001b for an opcode with service actions, 010b for one without
        invalidField(2, 2, () -> table().parse(FakeScsiTask.of(0xA3, 0x0C, 0x01, 0x9E, 0, 0x10, 0, 0, 0x10, 0, 0, 0)));
        invalidField(2, 2, () -> table().parse(FakeScsiTask.of(0xA3, 0x0C, 0x02, 0x28, 0, 0, 0, 0, 0x10, 0, 0, 0)));
        invalidField(2, 2, () -> table().parse(FakeScsiTask.of(0xA3, 0x0C, 0x04, 0x28, 0, 0, 0, 0, 0x10, 0, 0, 0)));
        invalidField(2, 6, () -> table().parse(FakeScsiTask.of(0xA3, 0x0C, 0x40, 0x28, 0, 0, 0, 0, 0x10, 0, 0, 0)));
    }

    @Test
    void reportIsTruncatedToTheAllocationLength() throws Exception {
        FakeScsiTask task = FakeScsiTask.of(0xA3, 0x0C, 0x00, 0, 0, 0, 0, 0, 0, 10, 0, 0);
        CommandDescriptor d = table().parse(task);
        assertEquals(10, d.transferLength());
        assertEquals(10, run(d, task));
        assertEquals(8 * 23, Bytes.u32(task.dataInBytes(10), 0), "COMMAND DATA LENGTH is the untruncated length");
    }

    /**
     * REPORT and SET TARGET PORT GROUPS, run by the core, are listed for the targets that offer them
     * (TPGS) and never dispatched by the table: a target that does not offer them gets what an
     * unsupported service action or opcode gets.
     */
    @Test
    void targetPortGroupCommandsAreListedAsTheTargetOffersThem() throws Exception {
        OpcodeTable t = table();
        int plain = t.commands().size();
        int[] listed = new int[4];
        for (int tpgs = 0; tpgs <= 3; tpgs++) {
            FakeScsiTask all = FakeScsiTask.builder().paddedCdb(0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0)
                    .targetPortGroupSupport(tpgs).build();
            byte[] d = all.dataInBytes(run(t.parse(all), all));
            listed[tpgs] = (int) (Bytes.u32(d, 0) / 8) - plain;
            if (tpgs > 0) {
                // sorted: A3h/0Ah before A3h/0Ch; byte 5 SERVACTV; CDB LENGTH 12
                int at = 4 + 8 * indexOf(d, 0xA3, 0x0A);
                assertArrayEquals(new byte[] {(byte) 0xA3, 0, 0, 0x0A, 0, 0x01, 0, 12},
                        java.util.Arrays.copyOfRange(d, at, at + 8));
            }
            FakeScsiTask one = FakeScsiTask.builder().paddedCdb(0xA3, 0x0C, 0x02, 0xA4, 0, 0x0A, 0, 0, 0, 64, 0, 0)
                    .targetPortGroupSupport(tpgs).build();
            byte[] o = one.dataInBytes(run(t.parse(one), one));
            assertEquals(tpgs >= 2 ? 0x03 : 0x01, o[1], "SET TARGET PORT GROUPS supported with TPGS " + tpgs);
            if (tpgs >= 2) {
                assertArrayEquals(new byte[] {0, 12, (byte) 0xA4, 0x0A, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF,
                    (byte) 0xFF, (byte) 0xFF, 0, 0}, java.util.Arrays.copyOfRange(o, 2, 16), "CDB USAGE DATA");
            }
        }
        assertArrayEquals(new int[] {0, 1, 2, 2}, listed);
        assertEquals(plain, t.commands().size());
        FakeScsiTask report = FakeScsiTask.builder().paddedCdb(0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)
                .targetPortGroupSupport(3).build();
        invalidField(1, 4, () -> t.parse(report));
        FakeScsiTask set = FakeScsiTask.builder().paddedCdb(0xA4, 0x0A, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0)
                .targetPortGroupSupport(3).build();
        sense(SenseReason.INVALID_COMMAND_OPERATION_CODE, 0, -1, () -> t.parse(set));
    }

    private static int indexOf(byte[] allCommands, int opcode, int serviceAction) {
        for (int i = 0; 4 + 8 * i < allCommands.length; i++) {
            if ((allCommands[4 + 8 * i] & 0xFF) == opcode && allCommands[4 + 8 * i + 3] == serviceAction) {
                return i;
            }
        }
        throw new AssertionError("not listed");
    }
}
