package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.StoreCalls;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.Sense;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;

/** Builders, runners and sense expectations shared by the disk's tests (libiscsi scsi-lowlevel.c style CDBs). */
abstract class DiskTestBase {
    static final long MIB = 1 << 20;
    final ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    static LunSpec spec(int blockSize, boolean readOnly, Map<String, String> props) {
        return new LunSpec("disk0", "etc/jstgt.lun-disk0.cfg", "disk", "memory", blockSize, readOnly, "JSTGT",
                "VIRTUAL-DISK", "0001", "disk0", 0x3000000000000001L, props);
    }

    DiskUnit unit(RecordingStore store) throws ConfigException {
        return DiskUnit.create(spec(512, false, Map.of()), store, workers);
    }

    DiskUnit unit(RecordingStore store, String key, String value) throws ConfigException {
        return DiskUnit.create(spec(512, false, Map.of(key, value)), store, workers);
    }

    // ---- CDB builders (libiscsi scsi-lowlevel.c style)

    static FakeScsiTask cdb10(int op, int flags, long lba, int length) {
        return FakeScsiTask.of(op, flags, (int) (lba >>> 24) & 0xFF, (int) (lba >>> 16) & 0xFF, (int) (lba >>> 8) & 0xFF,
                (int) lba & 0xFF, 0, (length >>> 8) & 0xFF, length & 0xFF, 0);
    }

    static FakeScsiTask cdb12(int op, int flags, long lba, long length) {
        return FakeScsiTask.of(op, flags, (int) (lba >>> 24) & 0xFF, (int) (lba >>> 16) & 0xFF, (int) (lba >>> 8) & 0xFF,
                (int) lba & 0xFF, (int) (length >>> 24) & 0xFF, (int) (length >>> 16) & 0xFF,
                (int) (length >>> 8) & 0xFF, (int) length & 0xFF, 0, 0);
    }

    static FakeScsiTask cdb16(int op, int flags, long lba, long length) {
        int[] c = new int[16];
        c[0] = op;
        c[1] = flags;
        for (int i = 0; i < 8; i++) {
            c[2 + i] = (int) (lba >>> (56 - 8 * i)) & 0xFF;
        }
        for (int i = 0; i < 4; i++) {
            c[10 + i] = (int) (length >>> (24 - 8 * i)) & 0xFF;
        }
        return FakeScsiTask.of(c);
    }

    static FakeScsiTask cdb6(int op, long lba, int length) {
        return FakeScsiTask.of(op, (int) (lba >>> 16) & 0x1F, (int) (lba >>> 8) & 0xFF, (int) lba & 0xFF, length, 0);
    }

    /** Parses and runs; returns the Data-In byte count; throws the command's ScsiException. */
    static int run(DiskUnit u, FakeScsiTask t) throws ScsiException {
        CommandDescriptor d = u.parse(t);
        try {
            return d.execute(t).toCompletableFuture().join().dataInLength();
        } catch (CompletionException e) {
            Throwable c = StoreCalls.unwrap(e);
            if (c instanceof ScsiException s) {
                throw s;
            }
            throw e;
        }
    }

    /** Parses and starts {@code t} without waiting for it to end. */
    static CompletionStage<CommandResult> start(DiskUnit u, FakeScsiTask t) throws ScsiException {
        return u.parse(t).execute(t);
    }

    static ScsiException expect(SenseReason reason, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertTrue(x.sense().is(reason), "expected " + reason + ", got " + x.getMessage());
        return x;
    }

    static void invalidField(int fieldByte, int fieldBit, Executable e) {
        Sense x = Sense.of(expect(SenseReason.INVALID_FIELD_IN_CDB, e).sense());
        assertTrue(x.fieldInCdb());
        assertEquals(fieldByte, x.fieldPointer(), "field pointer byte");
        assertEquals(fieldBit, x.fieldBit(), "field pointer bit");
    }

    static FakeScsiTask withData(FakeScsiTask t, byte[] data) {
        return t.withDataOut(data);
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }
}
