package org.jstgt.benchmarks;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreSpec;
import org.jstgt.device.disk.DiskProvider;
import org.jstgt.store.memory.MemoryStoreProvider;
import org.jstgt.testkit.FakeUnitContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The device side of a command: the disk unit parses a READ(10) or WRITE(10) CDB (SBC-4 §5.16,
 * §5.40) and runs it against a 64 MiB memory store, both built through their public providers as
 * the SCSI core builds them. Transfers walk the store sequentially and wrap; the store is fully
 * written first so reads copy real chunks rather than zero-fill holes. Data buffers are direct,
 * like the iSCSI task's. Scores are commands per second ({@code size} bytes each).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DiskBenchmark {
    static final long STORE_SIZE = 64L << 20;
    static final int BLOCK = 512;
    static final int READ_10 = 0x28;
    static final int WRITE_10 = 0x2A;

    @Param({"4096", "1048576"})
    public int size;

    private BackingStore store;
    private LogicalUnit unit;
    private ByteBuffer dataIn;
    private ByteBuffer dataOut;
    private long lba;

    @Setup
    public void setUp() throws Exception {
        store = new MemoryStoreProvider().open(
                new StoreSpec("bench0", "DiskBenchmark", null, STORE_SIZE, false, Map.of()));
        LunSpec spec = new LunSpec("bench0", "DiskBenchmark", "disk", "memory", BLOCK, false, "JSTGT", "BENCH",
                "0001", "bench0", 0x3000000000000001L, Map.of());
        unit = new DiskProvider().create(FakeUnitContext.of(spec, store));
        dataIn = ByteBuffer.allocateDirect(size);
        dataOut = ByteBuffer.allocateDirect(size);
        dataOut.put(Patterns.bytes(size, 9)).clear();
        for (long off = 0; off < STORE_SIZE; off += size) {
            write10();
        }
        // what was written must read back
        read10();
        dataOut.clear();
        if (!dataIn.clear().equals(dataOut)) {
            throw new IllegalStateException("READ(10) returned other data than WRITE(10) stored");
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        unit.close();
        store.close();
    }

    @Benchmark
    public int read10() throws Exception {
        return run(READ_10);
    }

    @Benchmark
    public int write10() throws Exception {
        return run(WRITE_10);
    }

    private int run(int opcode) throws ScsiException {
        int blocks = size / BLOCK;
        Task t = new Task(new Cdb(Patterns.cdb10(opcode, lba, blocks)), size);
        lba += blocks;
        if (lba * BLOCK >= STORE_SIZE) {
            lba = 0;
        }
        CommandDescriptor d = unit.parse(t);
        int n = d.execute(t).toCompletableFuture().join().dataInLength();
        if (n != (opcode == READ_10 ? size : 0)) {
            throw new IllegalStateException("opcode " + opcode + " completed with " + n + " Data-In bytes");
        }
        return n;
    }

    /** A task on this state's buffers, as an iSCSI connection's task hands them over. */
    private final class Task implements ScsiTask {
        private final Cdb cdb;
        private final int expected;

        Task(Cdb cdb, int expected) {
            this.cdb = cdb;
            this.expected = expected;
        }

        @Override
        public int lun() {
            return 0;
        }

        @Override
        public Cdb cdb() {
            return cdb;
        }

        @Override
        public TaskAttribute attribute() {
            return TaskAttribute.SIMPLE;
        }

        @Override
        public int expectedTransferLength() {
            return expected;
        }

        @Override
        public DataDirection declaredDirection() {
            return cdb.opcode() == READ_10 ? DataDirection.IN : DataDirection.OUT;
        }

        @Override
        public Executor executor() {
            return Runnable::run;
        }

        @Override
        public ByteBuffer dataOut() {
            return dataOut.clear();
        }

        @Override
        public ByteBuffer dataIn(int length) {
            return dataIn.clear().limit(length);
        }

        @Override
        public String initiatorPortName() {
            return "iqn.2026-11.org.jstgt:bench,i,0x000000000001";
        }

        @Override
        public String initiatorName() {
            return "iqn.2026-11.org.jstgt:bench";
        }

        @Override
        public String targetName() {
            return "iqn.2026-11.org.jstgt:t1";
        }

        @Override
        public String targetPortName() {
            return "iqn.2026-11.org.jstgt:t1,t,0x1";
        }

        @Override
        public int relativeTargetPortId() {
            return 1;
        }

        @Override
        public int targetPortGroup() {
            return 0;
        }
    }
}
