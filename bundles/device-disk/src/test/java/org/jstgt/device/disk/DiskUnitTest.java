package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.scsi.spc.OpcodeInfo;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.FakeUnitContext;
import org.jstgt.testkit.Sense;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/**
 * The unit: creation from the LUN definition, dispatch through its opcode table, the provider, and
 * REPORT SUPPORTED OPERATION CODES over every family.
 */
class DiskUnitTest extends DiskTestBase {
    @Test
    void storeSizeMustBeAMultipleOfTheBlockSize() {
        assertEquals("size", assertThrows(ConfigException.class, () -> unit(new RecordingStore(MIB + 100))).key());
        assertEquals("size", assertThrows(ConfigException.class, () -> unit(new RecordingStore(0))).key());
        assertEquals("size", assertThrows(ConfigException.class,
                () -> DiskUnit.create(spec(4096, false, Map.of()), new RecordingStore(MIB + 512), workers)).key());
    }

    @Test
    void maxTransferKeyIsValidated() throws Exception {
        assertEquals(16 * MIB / 512, unit(new RecordingStore(MIB), "max.transfer", "16MiB").maxTransferBlocks());
        assertEquals(8 * MIB / 512, unit(new RecordingStore(MIB)).maxTransferBlocks());
        for (String bad : new String[] {"100", "1GiB", "lots", "1000B"}) {
            assertEquals("max.transfer", assertThrows(ConfigException.class,
                    () -> unit(new RecordingStore(MIB), "max.transfer", bad)).key(), bad);
        }
        assertEquals("sense.format", assertThrows(ConfigException.class,
                () -> unit(new RecordingStore(MIB), "sense.format", "short")).key());
    }

    @Test
    void unitFacts() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        assertEquals(0, u.peripheralDeviceType());
        assertEquals(MIB, u.capacityBytes());
        assertEquals(2048, u.capacity());
    }

    @Test
    void unknownOpcodesAndBadControlBytes() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        // UNMAP (on a fully provisioned unit), REPORT LUNS and REQUEST SENSE are not the device's
        for (int op : new int[] {0x42, 0xA0, 0x03}) {
            ScsiException e = expect(SenseReason.INVALID_COMMAND_OPERATION_CODE, () -> u.parse(FakeScsiTask.of(op)));
            assertEquals(0, Sense.of(e.sense()).fieldPointer());
        }
        invalidField(9, 2, () -> u.parse(cdb10(0x28, 0, 0, 1).withCdbByte(9, 0x04)));
        invalidField(1, 4, () -> u.parse(FakeScsiTask.of(0x9E, 0x11)));
    }

    @Test
    void providerBuildsDisks() throws Exception {
        DiskProvider p = new DiskProvider();
        try {
            org.jstgt.api.scsi.LogicalUnit u = p.create(FakeUnitContext.of(spec(512, false, Map.of()), new RecordingStore(MIB)));
            assertEquals(MIB, u.capacityBytes());
            FakeScsiTask t = cdb10(0x25, 0, 0, 0);
            CommandDescriptor d = u.parse(t);
            assertEquals(8, d.execute(t).toCompletableFuture().join().dataInLength());
            u.close();
        } finally {
            p.close();
        }
        assertEquals("disk", DiskProvider.TYPE);
    }

    /** A disk needs a store: a LUN without store.type is a configuration error naming that key. */
    @Test
    void aDiskWithoutStoreTypeNamesTheKey() {
        DiskProvider p = new DiskProvider();
        try {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> p.create(FakeUnitContext.of(spec(512, false, Map.of()), null)));
            assertEquals("store.type", e.key());
        } finally {
            p.close();
        }
    }

    @Test
    void reportSupportedOperationCodesShowsDpoFuaUsage() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        FakeScsiTask t = FakeScsiTask.of(0xA3, 0x0C, 0x01, 0x28, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0);
        byte[] d = t.dataInBytes(run(u, t));
        assertEquals(0x03, d[1], "supported");
        assertEquals(10, d[3]);
        assertEquals(0x28, d[4]);
        assertEquals(0x18, d[5] & 0x18, "DPO and FUA are used");
        FakeScsiTask all = FakeScsiTask.of(0xA3, 0x0C, 0x00, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0);
        byte[] a = all.dataInBytes(run(u, all));
        int count = (int) ((a[3] & 0xFF) + ((a[2] & 0xFF) << 8)) / 8;
        assertEquals(u.opcodeTable().commands().size(), count);
        // every listed command answers its own one-command query
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < count; i++) {
            int op = a[4 + 8 * i] & 0xFF;
            int sa = a[4 + 8 * i + 3] & 0xFF;
            boolean servactv = (a[4 + 8 * i + 5] & 1) != 0;
            FakeScsiTask one = FakeScsiTask.of(0xA3, 0x0C, servactv ? 0x02 : 0x01, op, 0, sa, 0, 0, 0xFF, 0xFF, 0, 0);
            byte[] o = one.dataInBytes(run(u, one));
            assertEquals(0x03, o[1]);
            assertEquals((byte) op, o[4]);
            seen.merge(op, 1, Integer::sum);
        }
        assertEquals(1, seen.get(0x28));
    }

    /**
     * A disk reached through a target with ALUA: INQUIRY reports the target's TPGS, and REPORT
     * SUPPORTED OPERATION CODES lists REPORT and SET TARGET PORT GROUPS (which the core runs) as
     * the target offers them, each answering its own one-command query.
     */
    @Test
    void aluaOfTheTargetShowsInInquiryAndTheSupportedCommands() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        int plain = u.opcodeTable().commands().size();
        for (int tpgs = 0; tpgs <= 3; tpgs++) {
            FakeScsiTask inq = FakeScsiTask.builder().paddedCdb(0x12, 0, 0, 0, 36, 0).targetPortGroupSupport(tpgs)
                    .build();
            assertEquals(tpgs << 4, inq.dataInBytes(run(u, inq))[5] & 0x30, "TPGS");
            FakeScsiTask all = FakeScsiTask.builder().paddedCdb(0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0)
                    .targetPortGroupSupport(tpgs).build();
            byte[] a = all.dataInBytes(run(u, all));
            assertEquals(plain + new int[] {0, 1, 2, 2}[tpgs], (((a[2] & 0xFF) << 8) | (a[3] & 0xFF)) / 8);
            for (int op : new int[] {0xA3, 0xA4}) {
                FakeScsiTask one = FakeScsiTask.builder().paddedCdb(0xA3, 0x0C, 0x02, op, 0, 0x0A, 0, 0, 0xFF, 0xFF,
                        0, 0).targetPortGroupSupport(tpgs).build();
                boolean offered = op == 0xA3 ? tpgs != 0 : tpgs >= 2;
                assertEquals(offered ? 0x03 : 0x01, one.dataInBytes(run(u, one))[1],
                        String.format("SUPPORT of %02Xh/0Ah", op));
            }
        }
    }

    /** The rows the families register: names, sizes, directions and CDB USAGE DATA per command. */
    @Test
    void everyFamilyRegistersItsRows() throws Exception {
        DiskUnit u = thinUnit();
        Map<String, String> rows = new TreeMap<>();
        for (OpcodeInfo i : u.opcodeTable().commands()) {
            StringBuilder usage = new StringBuilder();
            for (byte b : i.usageData()) {
                usage.append(String.format("%02x", b & 0xFF));
            }
            rows.put(i.name(), i.cdbLength() + " " + i.direction() + " " + i.reservation() + " " + usage);
        }
        Map<String, String> expected = new TreeMap<>();
        expected.put("TEST UNIT READY", "6 NONE ALLOWED 000000000000");
        expected.put("INQUIRY", "6 IN ALLOWED 1201ffffff00");
        expected.put("MODE SENSE(6)", "6 IN READ 1a08ffffff00");
        expected.put("MODE SENSE(10)", "10 IN READ 5a18ffff000000ffff00");
        expected.put("MODE SELECT(6)", "6 OUT WRITE 15110000ff00");
        expected.put("MODE SELECT(10)", "10 OUT WRITE 55110000000000ffff00");
        expected.put("START STOP UNIT", "6 NONE WRITE 1b01000ff700");
        expected.put("PREVENT ALLOW MEDIUM REMOVAL", "6 NONE WRITE 1e0000000300");
        expected.put("READ CAPACITY(10)", "10 IN ALLOWED 2500ffffffff00000100");
        expected.put("READ CAPACITY(16)", "16 IN ALLOWED 9e10ffffffffffffffffffffffff0100");
        expected.put("READ(6)", "6 IN READ 081fffffff00");
        expected.put("READ(10)", "10 IN READ 28f8ffffffff00ffff00");
        expected.put("READ(12)", "12 IN READ a8f8ffffffffffffffff0000");
        expected.put("READ(16)", "16 IN READ 88f8ffffffffffffffffffffffff0000");
        expected.put("WRITE(6)", "6 OUT WRITE 0a1fffffff00");
        expected.put("WRITE(10)", "10 OUT WRITE 2af8ffffffff00ffff00");
        expected.put("WRITE(12)", "12 OUT WRITE aaf8ffffffffffffffff0000");
        expected.put("WRITE(16)", "16 OUT WRITE 8af8ffffffffffffffffffffffff0000");
        expected.put("VERIFY(10)", "10 OUT READ 2ff6ffffffff00ffff00");
        expected.put("VERIFY(12)", "12 OUT READ aff6ffffffffffffffff0000");
        expected.put("VERIFY(16)", "16 OUT READ 8ff6ffffffffffffffffffffffff0000");
        expected.put("WRITE AND VERIFY(10)", "10 OUT WRITE 2ef6ffffffff00ffff00");
        expected.put("WRITE AND VERIFY(12)", "12 OUT WRITE aef6ffffffffffffffff0000");
        expected.put("WRITE AND VERIFY(16)", "16 OUT WRITE 8ef6ffffffffffffffffffffffff0000");
        expected.put("SYNCHRONIZE CACHE(10)", "10 NONE WRITE 3502ffffffff00ffff00");
        expected.put("SYNCHRONIZE CACHE(16)", "16 NONE WRITE 9102ffffffffffffffffffffffff0000");
        expected.put("COMPARE AND WRITE", "16 OUT WRITE 89f8ffffffffffffffff000000ff0000");
        expected.put("WRITE SAME(10)", "10 OUT WRITE 41f8ffffffff00ffff00");
        expected.put("WRITE SAME(16)", "16 OUT WRITE 93f9ffffffffffffffffffffffff0000");
        expected.put("GET LBA STATUS", "16 IN READ 9e12ffffffffffffffffffffffff0000");
        expected.put("PRE-FETCH(10)", "10 NONE READ 3402ffffffff00ffff00");
        expected.put("PRE-FETCH(16)", "16 NONE READ 9002ffffffffffffffffffffffff0000");
        expected.put("FORMAT UNIT", "6 OUT WRITE 04f700000300");
        expected.put("UNMAP", "10 OUT WRITE 42010000000000ffff00");
        expected.put("ORWRITE(16)", "16 OUT WRITE 8bfaffffffffffffffffffffffff1f00");
        expected.put("READ DEFECT DATA(10)", "10 IN READ 37001f00000000ffff00");
        expected.put("READ DEFECT DATA(12)", "12 IN READ b71fffffffffffffffff0000");
        expected.put("REPORT SUPPORTED OPERATION CODES", "12 IN READ a30c87ffffffffffffff0000");
        expected.put("REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS", "12 IN READ a30d80000000ffffffff0000");
        expected.put("EXTENDED COPY(LID1)", "16 OUT WRITE 83000000000000000000ffffffff0000");
        expected.put("RECEIVE COPY RESULTS(COPY STATUS)", "16 IN READ 8400ff00000000000000ffffffff0000");
        expected.put("RECEIVE COPY RESULTS(OPERATING PARAMETERS)", "16 IN READ 8403ff00000000000000ffffffff0000");
        expected.put("RECEIVE COPY RESULTS(FAILED SEGMENT DETAILS)", "16 IN READ 8404ff00000000000000ffffffff0000");
        // the reservation commands the core answers for every unit (scsi.spc ReservationRows)
        String[] in = {"READ KEYS", "READ RESERVATION", "REPORT CAPABILITIES", "READ FULL STATUS"};
        for (int sa = 0; sa < in.length; sa++) {
            expected.put("PERSISTENT RESERVE IN(" + in[sa] + ")", "10 IN ALLOWED 5e0" + sa + "0000000000ffff00");
        }
        String[] out = {"REGISTER", "RESERVE", "RELEASE", "CLEAR", "PREEMPT", "PREEMPT AND ABORT",
            "REGISTER AND IGNORE EXISTING KEY", "REGISTER AND MOVE"};
        for (int sa = 0; sa < out.length; sa++) {
            expected.put("PERSISTENT RESERVE OUT(" + out[sa] + ")", "10 OUT ALLOWED 5f0" + sa + "ff0000ffffffff00");
        }
        expected.put("RESERVE(6)", "6 NONE ALLOWED 160000000000");
        expected.put("RELEASE(6)", "6 NONE ALLOWED 170000000000");
        expected.put("RESERVE(10)", "10 NONE ALLOWED 56000000000000000000");
        expected.put("RELEASE(10)", "10 NONE ALLOWED 57000000000000000000");
        assertEquals(expected, rows);
    }

    /**
     * The unit's answer to the core's reservation check: each row's class, and where SBC-3 §4.17
     * decides by field, the CDB's (START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL).
     */
    @Test
    void reservationClassPerCommandFollowsTheSpcAndSbcTables() throws Exception {
        DiskUnit u = thinUnit();
        Map<String, ReservationClass> got = new TreeMap<>();
        got.put("TEST UNIT READY", u.reservationClass(cdb(0x00, 0, 0, 0, 0, 0)));
        got.put("INQUIRY", u.reservationClass(cdb(0x12, 0, 0, 0, 36, 0)));
        got.put("READ CAPACITY(10)", u.reservationClass(cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        got.put("READ(10)", u.reservationClass(cdb(0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0)));
        got.put("VERIFY(10)", u.reservationClass(cdb(0x2F, 0, 0, 0, 0, 0, 0, 0, 1, 0)));
        got.put("MODE SENSE(6)", u.reservationClass(cdb(0x1A, 0, 0x3F, 0, 0xFF, 0)));
        got.put("WRITE(10)", u.reservationClass(cdb(0x2A, 0, 0, 0, 0, 0, 0, 0, 1, 0)));
        got.put("MODE SELECT(6)", u.reservationClass(cdb(0x15, 0x10, 0, 0, 12, 0)));
        got.put("SYNCHRONIZE CACHE(10)", u.reservationClass(cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        got.put("START STOP UNIT start", u.reservationClass(cdb(0x1B, 0, 0, 0, 0x01, 0)));
        got.put("START STOP UNIT stop", u.reservationClass(cdb(0x1B, 0, 0, 0, 0x00, 0)));
        got.put("START STOP UNIT power condition", u.reservationClass(cdb(0x1B, 0, 0, 0, 0x21, 0)));
        got.put("PREVENT ALLOW allow", u.reservationClass(cdb(0x1E, 0, 0, 0, 0x00, 0)));
        got.put("PREVENT ALLOW prevent", u.reservationClass(cdb(0x1E, 0, 0, 0, 0x01, 0)));
        got.put("unknown opcode", u.reservationClass(cdb(0xC0, 0, 0, 0, 0, 0)));
        Map<String, ReservationClass> expected = new TreeMap<>();
        expected.put("TEST UNIT READY", ReservationClass.ALLOWED);
        expected.put("INQUIRY", ReservationClass.ALLOWED);
        expected.put("READ CAPACITY(10)", ReservationClass.ALLOWED);
        expected.put("READ(10)", ReservationClass.READ);
        expected.put("VERIFY(10)", ReservationClass.READ);
        expected.put("MODE SENSE(6)", ReservationClass.READ);
        expected.put("WRITE(10)", ReservationClass.WRITE);
        expected.put("MODE SELECT(6)", ReservationClass.WRITE);
        expected.put("SYNCHRONIZE CACHE(10)", ReservationClass.WRITE);
        expected.put("START STOP UNIT start", ReservationClass.ALLOWED);
        expected.put("START STOP UNIT stop", ReservationClass.WRITE);
        expected.put("START STOP UNIT power condition", ReservationClass.WRITE);
        expected.put("PREVENT ALLOW allow", ReservationClass.ALLOWED);
        expected.put("PREVENT ALLOW prevent", ReservationClass.WRITE);
        expected.put("unknown opcode", ReservationClass.WRITE);
        assertEquals(expected, got);
    }

    private static Cdb cdb(int... b) {
        byte[] bytes = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            bytes[i] = (byte) b[i];
        }
        return new Cdb(bytes);
    }

    private DiskUnit thinUnit() throws ConfigException {
        return unit(new RecordingStore(MIB, StoreCapability.UNMAP));
    }
}
