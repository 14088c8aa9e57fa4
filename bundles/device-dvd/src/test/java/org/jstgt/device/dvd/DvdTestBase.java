package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.ConfigException;
import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.scsi.spc.StoreCalls;
import org.jstgt.store.file.FileStoreProvider;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images made in a temporary directory, opened through the real {@code file} store provider, units
 * on them, and the runners and sense expectations the drive's tests share.
 */
abstract class DvdTestBase {
    static final int BLOCK = 2048;

    @TempDir
    Path dir;
    FileStoreProvider files;
    ExecutorService workers;
    /** Every open the units asked for, by path. */
    final List<String> opened = new CopyOnWriteArrayList<>();
    /** The unit attentions raised. */
    final List<Sense> raised = new CopyOnWriteArrayList<>();
    /** The initiator ports left out of the unit attentions raised for the other nexuses only. */
    final List<String> leftOut = new CopyOnWriteArrayList<>();
    /** Runs as a unit attention is raised, before it is recorded (what the unit shows at that moment). */
    volatile Runnable onAttention = () -> { };
    final UnitEvents events = new UnitEvents() {
        @Override
        public void unitAttention(Sense sense) {
            raised.add(sense);
        }

        @Override
        public void unitAttentionToOthers(Sense sense, String initiatorPortName, String targetPortName) {
            onAttention.run();
            raised.add(sense);
            leftOut.add(initiatorPortName);
        }

        @Override
        public void capacityChanged() {
            raised.add(SenseReason.CAPACITY_DATA_HAS_CHANGED.sense());
        }

        @Override
        public void mediumChanged() {
            onAttention.run();
            raised.add(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense());
        }
    };
    final MediumOpener opener = (type, spec) -> {
        opened.add(spec.path());
        if (!type.equals("file") || !spec.readOnly()) {
            return CompletableFuture.failedFuture(new IllegalStateException("asked for " + type + " rw"));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return files.open(spec);
            } catch (ConfigException | IOException e) {
                throw new CompletionException(e);
            }
        });
    };

    @BeforeEach
    void startFiles() {
        files = new FileStoreProvider();
        workers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "dvd-test-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void stopFiles() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(10, TimeUnit.SECONDS);
        files.close();
    }

    static LunSpec spec(Map<String, String> props) {
        return new LunSpec("cd0", "etc/jstgt.lun-cd0.cfg", "dvd", "", 2048, true, "JSTGT", "VIRTUAL-DVD", "0001",
                "cd0", 0x3000000000000005L, props);
    }

    static LunSpec spec(String medium) {
        Map<String, String> p = new HashMap<>();
        if (medium != null) {
            p.put(DvdUnit.MEDIUM, medium);
        }
        return spec(p);
    }

    /** @return an image of {@code blocks} random 2048-byte blocks */
    Path iso(String name, int blocks, long seed) throws IOException {
        byte[] b = new byte[blocks * BLOCK];
        new Random(seed).nextBytes(b);
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    /** @return a sparse image of {@code blocks} blocks (large enough for a DVD without writing it) */
    Path sparseIso(String name, long blocks) throws IOException {
        Path p = dir.resolve(name);
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(blocks * BLOCK);
        }
        return p;
    }

    DvdUnit unit(Path medium) throws ConfigException {
        return unit(spec(medium == null ? null : medium.toString()), null, "launch-1");
    }

    DvdUnit unit(LunSpec spec, Path stateDir, String launch) throws ConfigException {
        return DvdUnit.create(spec, opener, events, workers, new TrayFile(stateDir, spec.name(), workers), launch);
    }

    /** Parses and runs; returns the Data-In byte count; throws the command's ScsiException. */
    static int run(DvdUnit u, FakeScsiTask t) throws ScsiException {
        CommandDescriptor d = u.parse(t);
        try {
            return d.execute(t).toCompletableFuture().get(10, TimeUnit.SECONDS).dataInLength();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = StoreCalls.unwrap(e);
            if (c instanceof ScsiException s) {
                throw s;
            }
            throw new AssertionError(c);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs and returns the Data-In bytes. */
    static byte[] data(DvdUnit u, FakeScsiTask t) throws ScsiException {
        int n = run(u, t);
        return n == 0 ? new byte[0] : t.dataInBytes(n);
    }

    static CommandResult result(DvdUnit u, FakeScsiTask t) throws Exception {
        return u.parse(t).execute(t).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ScsiException expect(Sense sense, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertEquals(sense.key(), x.sense().key(), x.getMessage());
        assertEquals(sense.asc(), x.sense().asc(), "ASC of " + x.getMessage());
        assertEquals(sense.ascq(), x.sense().ascq(), "ASCQ of " + x.getMessage());
        return x;
    }

    static ScsiException expect(SenseReason reason, Executable e) {
        return expect(reason.sense(), e);
    }

    static void invalidField(int fieldByte, int fieldBit, Executable e) {
        org.jstgt.testkit.Sense x = org.jstgt.testkit.Sense.of(expect(SenseReason.INVALID_FIELD_IN_CDB, e).sense());
        assertTrue(x.fieldInCdb());
        assertEquals(fieldByte, x.fieldPointer(), "field pointer byte");
        assertEquals(fieldBit, x.fieldBit(), "field pointer bit");
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    // ---- CDBs (libiscsi scsi-lowlevel.c style)

    static FakeScsiTask tur() {
        return FakeScsiTask.of(0x00);
    }

    static FakeScsiTask startStop(boolean immed, boolean loej, boolean start) {
        return FakeScsiTask.of(0x1B, immed ? 1 : 0, 0, 0, (loej ? 2 : 0) | (start ? 1 : 0), 0);
    }

    static FakeScsiTask preventAllow(int field) {
        return FakeScsiTask.of(0x1E, 0, 0, 0, field, 0);
    }

    static FakeScsiTask preventAllow(int field, String initiatorPort) {
        return FakeScsiTask.builder().paddedCdb(0x1E, 0, 0, 0, field, 0)
                .initiator(FakeScsiTask.INITIATOR_NAME, initiatorPort).build();
    }

    static FakeScsiTask read10(long lba, int blocks) {
        return FakeScsiTask.builder().paddedCdb(0x28, 0, (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8),
                (int) lba, 0, blocks >>> 8, blocks, 0).expectedTransferLength(Math.max(blocks * BLOCK, 0)).build();
    }

    static FakeScsiTask read12(long lba, int blocks) {
        return FakeScsiTask.builder().paddedCdb(0xA8, 0, (int) (lba >>> 24), (int) (lba >>> 16), (int) (lba >>> 8),
                (int) lba, blocks >>> 24, blocks >>> 16, blocks >>> 8, blocks, 0, 0)
                .expectedTransferLength(blocks * BLOCK).build();
    }

    static FakeScsiTask readCapacity() {
        return FakeScsiTask.of(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static FakeScsiTask getConfiguration(int rt, int start, int alloc) {
        return FakeScsiTask.of(0x46, rt, start >>> 8, start, 0, 0, 0, alloc >>> 8, alloc, 0);
    }

    static FakeScsiTask gesn(int classes, int alloc) {
        return FakeScsiTask.of(0x4A, 1, 0, 0, classes, 0, 0, alloc >>> 8, alloc, 0);
    }

    static FakeScsiTask readToc(boolean msf, int format, int track, int alloc) {
        return FakeScsiTask.of(0x43, msf ? 2 : 0, format, 0, 0, 0, track, alloc >>> 8, alloc, 0);
    }

    static FakeScsiTask modeSense10(int pcAndPage, int alloc) {
        return FakeScsiTask.of(0x5A, 0x08, pcAndPage, 0, 0, 0, 0, alloc >>> 8, alloc, 0);
    }
}
