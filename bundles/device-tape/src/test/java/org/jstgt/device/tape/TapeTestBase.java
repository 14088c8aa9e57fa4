package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.FakeUnitContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Units, CDB builders and sense expectations shared by the drive's tests. */
abstract class TapeTestBase {
    static final long MIB = 1 << 20;
    static final String INITIATOR_B = "iqn.2026-11.org.jstgt:other";
    static final String INITIATOR_B_PORT = INITIATOR_B + ",i,0x000000000002";

    final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-tape-io");
        t.setDaemon(true);
        return t;
    });
    final MemoryCartridges cartridges = new MemoryCartridges();
    FakeUnitContext context;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static LunSpec spec(Map<String, String> props) {
        return spec(props, false);
    }

    static LunSpec spec(Map<String, String> props, boolean readOnly) {
        return new LunSpec("tape0", "etc/jstgt.lun-tape0.cfg", "tape", "", 512, readOnly, "QUANTUM", "DLT-S4",
                "0001", "tape0", 0x3000000000000002L, props);
    }

    Path cartridge(String name) {
        return dir.resolve(name + ".tape");
    }

    /** A drive with a blank cartridge of {@code capacity} bytes loaded from the configuration. */
    TapeUnit unit(long capacity) throws Exception {
        return unit(cartridges.put(cartridge("JST001"), new MemoryTape(capacity)));
    }

    TapeUnit unit(MemoryTape tape) throws Exception {
        cartridges.put(cartridge("JST001"), tape);
        return unit(Map.of("medium", cartridge("JST001").toString()), null, false);
    }

    TapeUnit unit(Map<String, String> props, StateFiles states, boolean readOnly) throws Exception {
        LunSpec s = spec(props, readOnly);
        context = FakeUnitContext.of(s, null);
        return TapeUnit.create(s, cartridges, pool, context.events(), states);
    }

    TapeUnit empty() throws Exception {
        return unit(Map.of(), null, false);
    }

    MemoryTape tape() {
        return cartridges.tapes.get(cartridge("JST001"));
    }

    /** What a command ended with. */
    record Reply(CommandResult result, FakeScsiTask task) {
        Sense sense() {
            return result.sense();
        }

        boolean good() {
            return result.status() == ScsiStatus.GOOD;
        }

        int length() {
            return result.dataInLength();
        }

        byte[] data() {
            return task.dataInBytes(result.dataInLength());
        }
    }

    /** Parses and runs; a CHECK CONDITION (of the parse or the run) comes back as a reply too. */
    static Reply exec(TapeUnit u, FakeScsiTask t) throws ScsiException {
        CommandDescriptor d;
        try {
            d = u.parse(t);
        } catch (ScsiException e) {
            return new Reply(CommandResult.checkCondition(e.sense()), t);
        }
        try {
            return new Reply(d.execute(t).toCompletableFuture().get(10, TimeUnit.SECONDS), t);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ScsiException s) {
                return new Reply(CommandResult.checkCondition(s.sense()), t);
            }
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Runs and requires GOOD. */
    static Reply good(TapeUnit u, FakeScsiTask t) throws ScsiException {
        Reply r = exec(u, t);
        assertTrue(r.good(), () -> t + ": expected GOOD, got " + r.sense());
        return r;
    }

    /** Runs and requires CHECK CONDITION with that key and ASC/ASCQ. */
    static Reply check(TapeUnit u, FakeScsiTask t, SenseKey key, int asc, int ascq) throws ScsiException {
        Reply r = exec(u, t);
        assertNotNull(r.sense(), () -> t + ": expected CHECK CONDITION, got GOOD");
        assertEquals(key, r.sense().key(), () -> "sense " + r.sense());
        assertEquals(asc, r.sense().asc(), () -> "ASC of " + r.sense());
        assertEquals(ascq, r.sense().ascq(), () -> "ASCQ of " + r.sense());
        return r;
    }

    static Reply check(TapeUnit u, FakeScsiTask t, SenseReason reason) throws ScsiException {
        return check(u, t, reason.key(), reason.asc(), reason.ascq());
    }

    /** Asserts the stream bits and INFORMATION of a sense. */
    static void bits(Sense s, boolean filemark, boolean eom, boolean ili, Long information) {
        assertEquals(filemark, s.filemark(), () -> "FILEMARK of " + s);
        assertEquals(eom, s.eom(), () -> "EOM of " + s);
        assertEquals(ili, s.ili(), () -> "ILI of " + s);
        assertEquals(information, s.information(), () -> "INFORMATION of " + s);
    }

    /** Parse must fail INVALID FIELD IN CDB at that byte and bit. */
    static void invalidField(int fieldByte, int fieldBit, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertTrue(x.sense().is(SenseReason.INVALID_FIELD_IN_CDB), () -> "expected INVALID FIELD IN CDB, got "
                + x.sense());
        org.jstgt.testkit.Sense s = org.jstgt.testkit.Sense.of(x.sense());
        assertTrue(s.fieldInCdb());
        assertEquals(fieldByte, s.fieldPointer(), "field pointer byte");
        assertEquals(fieldBit, s.fieldBit(), "field pointer bit");
    }

    /** Runs and requires CHECK CONDITION ILLEGAL REQUEST with the field pointer at that byte and bit. */
    static void invalidAtRun(TapeUnit u, FakeScsiTask t, SenseReason reason, boolean inCdb, int fieldByte,
            int fieldBit) throws ScsiException {
        Reply r = check(u, t, reason);
        org.jstgt.testkit.Sense s = org.jstgt.testkit.Sense.of(r.sense());
        assertEquals(inCdb, s.fieldInCdb(), "C/D");
        assertEquals(fieldByte, s.fieldPointer(), "field pointer byte");
        assertEquals(fieldBit, s.fieldBit(), "field pointer bit");
    }

    // ---- CDBs (SSC-3)

    static FakeScsiTask read6(boolean fixed, boolean sili, int length) {
        return FakeScsiTask.builder().paddedCdb(0x08, (sili ? 2 : 0) | (fixed ? 1 : 0), length >>> 16, length >>> 8,
                length, 0).expectedTransferLength(16 << 20).build();
    }

    static FakeScsiTask write6(boolean fixed, int length, byte[] data) {
        return FakeScsiTask.builder().paddedCdb(0x0A, fixed ? 1 : 0, length >>> 16, length >>> 8, length, 0)
                .dataOut(data).build();
    }

    static FakeScsiTask writeFilemarks(int count) {
        return FakeScsiTask.of(0x10, 0, count >>> 16, count >>> 8, count, 0);
    }

    static FakeScsiTask space6(int code, int count) {
        return FakeScsiTask.of(0x11, code, count >>> 16, count >>> 8, count, 0);
    }

    static FakeScsiTask space16(int code, long count) {
        int[] c = new int[16];
        c[0] = 0x91;
        c[1] = code;
        for (int i = 0; i < 8; i++) {
            c[4 + i] = (int) (count >>> (56 - 8 * i));
        }
        return FakeScsiTask.of(c);
    }

    static FakeScsiTask rewind() {
        return FakeScsiTask.of(0x01, 0, 0, 0, 0, 0);
    }

    static FakeScsiTask locate10(int flags, long id, int partition) {
        return FakeScsiTask.of(0x2B, flags, 0, (int) (id >>> 24), (int) (id >>> 16), (int) (id >>> 8), (int) id, 0,
                partition, 0);
    }

    static FakeScsiTask locate16(int destType, long id) {
        int[] c = new int[16];
        c[0] = 0x92;
        c[1] = destType << 3;
        for (int i = 0; i < 8; i++) {
            c[4 + i] = (int) (id >>> (56 - 8 * i));
        }
        return FakeScsiTask.of(c);
    }

    static FakeScsiTask readPosition(int serviceAction, int allocation) {
        return FakeScsiTask.of(0x34, serviceAction, 0, 0, 0, 0, 0, allocation >>> 8, allocation, 0);
    }

    static FakeScsiTask testUnitReady() {
        return FakeScsiTask.of(0x00, 0, 0, 0, 0, 0);
    }

    static FakeScsiTask loadUnload(int byte4) {
        return FakeScsiTask.of(0x1B, 0, 0, 0, byte4, 0);
    }

    static FakeScsiTask prevent(int prevent) {
        return FakeScsiTask.of(0x1E, 0, 0, 0, prevent, 0);
    }

    static FakeScsiTask fromB(FakeScsiTask t) {
        return t.toBuilder().initiator(INITIATOR_B, INITIATOR_B_PORT).build();
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** The logical object identifier of READ POSITION's short form. */
    static long position(TapeUnit u) throws ScsiException {
        byte[] d = good(u, readPosition(0, 0)).data();
        return org.jstgt.scsi.spc.Bytes.u32(d, 4);
    }

    /** Writes a variable block. */
    static void writeBlock(TapeUnit u, byte[] data) throws ScsiException {
        good(u, write6(false, data.length, data));
    }

    static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
