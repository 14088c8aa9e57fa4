package org.jstgt.scsi.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.UnitContext;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.api.store.StoreSpec;
import org.jstgt.testkit.RecordingStore;

/** Small fake providers: a {@link RecordingStore} provider and a disk-like unit with 512-byte blocks. */
final class Fakes {
    private Fakes() {
    }

    static final class StoreProvider implements BackingStoreProvider {
        final List<RecordingStore> opened = new CopyOnWriteArrayList<>();
        volatile IOException failWith;

        @Override
        public BackingStore open(StoreSpec spec) throws ConfigException, IOException {
            if (failWith != null) {
                throw failWith;
            }
            if (spec.size() == 0) {
                throw new ConfigException("size", "missing");
            }
            RecordingStore s = new RecordingStore(spec.size());
            opened.add(s);
            return s;
        }
    }

    static final class DeviceProvider implements org.jstgt.api.scsi.DeviceProvider {
        final List<Unit> created = new CopyOnWriteArrayList<>();
        /** When set, WRITE(10) completes only when this future is completed by the test. */
        volatile CompletableFuture<Void> writeGate;
        /** Replaces execution of opcode 0x00 (TEST UNIT READY) when set. */
        volatile Function<ScsiTask, CompletionStage<Integer>> turExec;
        /** When set, units apply a configuration change in place (LogicalUnit.reconfigure). */
        volatile boolean inPlace;
        /** How the units queue their commands. */
        volatile Queueing queueing = Queueing.CONCURRENT;

        @Override
        public LogicalUnit create(UnitContext context) throws ConfigException {
            LunSpec spec = context.spec();
            BackingStore store = context.requireStore();
            if (spec.properties().containsKey("fake.bad")) {
                throw new ConfigException("fake.bad", "rejected by the fake device");
            }
            Unit u = new Unit(this, spec, store);
            u.events = context.events();
            created.add(u);
            return u;
        }
    }

    static final class Unit implements LogicalUnit {
        final DeviceProvider provider;
        final LunSpec spec;
        final BackingStore store;
        volatile boolean closed;
        volatile boolean storeOpenAtClose;
        final List<LunSpec> reconfigured = new CopyOnWriteArrayList<>();
        final List<String> nexusesLost = new CopyOnWriteArrayList<>();
        /** What the unit reports as its condition to REQUEST SENSE (LogicalUnit.condition). */
        volatile org.jstgt.api.scsi.Sense condition;
        /** How often the core reset the unit (LogicalUnit.reset). */
        final java.util.concurrent.atomic.AtomicInteger resets = new java.util.concurrent.atomic.AtomicInteger();
        UnitEvents events;
        /** D_SENSE as a MODE SELECT (opcode 15h here) set it; null: the configured format. */
        volatile Boolean descriptorSense;

        Unit(DeviceProvider provider, LunSpec spec, BackingStore store) {
            this.provider = provider;
            this.spec = spec;
            this.store = store;
        }

        @Override
        public CommandDescriptor parse(ScsiTask task) throws ScsiException {
            var cdb = task.cdb();
            switch (cdb.opcode()) {
                case 0x00:
                    return descriptor(DataDirection.NONE, 0, t -> {
                        var f = provider.turExec;
                        return f != null ? f.apply(t) : CompletableFuture.completedFuture(0);
                    });
                case 0x12:
                    return new CommandDescriptor() {
                        @Override
                        public DataDirection direction() {
                            return DataDirection.IN;
                        }

                        @Override
                        public int transferLength() {
                            return cdb.u16(3);
                        }

                        @Override
                        public boolean allowedWithUnitAttention() {
                            return true;
                        }

                        @Override
                        public CompletionStage<CommandResult> execute(ScsiTask t) {
                            t.dataIn(1).put((byte) 0);
                            return CompletableFuture.completedFuture(CommandResult.good(1));
                        }
                    };
                case 0x28: {
                    long lba = cdb.u32(2);
                    int blocks = cdb.u16(7);
                    check(lba, blocks);
                    return descriptor(DataDirection.IN, blocks * 512, t -> {
                        ByteBuffer b = t.dataIn(blocks * 512);
                        return store.read(lba * 512, b, t.executor()).thenApply(v -> blocks * 512);
                    });
                }
                case 0x2A: {
                    long lba = cdb.u32(2);
                    int blocks = cdb.u16(7);
                    check(lba, blocks);
                    return descriptor(DataDirection.OUT, blocks * 512, t -> {
                        if (t.dataOut().remaining() > blocks * 512) {
                            throw new IllegalStateException("data out length " + t.dataOut().remaining());
                        }
                        CompletableFuture<Void> gate = provider.writeGate;
                        CompletionStage<Void> start = gate == null ? CompletableFuture.completedFuture(null) : gate;
                        return start.thenCompose(v -> store.write(lba * 512, t.dataOut(), false, t.executor())).thenApply(v -> 0);
                    });
                }
                case 0x15:
                    // a MODE SELECT switching to descriptor format sense (SPC-4 §6.9)
                    return descriptor(DataDirection.NONE, 0, t -> {
                        descriptorSense = true;
                        events.unitAttentionToOthers(SenseReason.MODE_PARAMETERS_CHANGED.sense(),
                                t.initiatorPortName(), t.targetPortName());
                        return CompletableFuture.completedFuture(0);
                    });
                case 0x01:
                    throw new IllegalStateException("parse bug");
                default:
                    throw new ScsiException(SenseReason.INVALID_COMMAND_OPERATION_CODE).inCdb(0, -1);
            }
        }

        private void check(long lba, int blocks) throws ScsiException {
            if (lba + blocks > store.size() / 512) {
                throw new ScsiException(SenseReason.LBA_OUT_OF_RANGE).withInformation(lba);
            }
        }

        private static CommandDescriptor descriptor(DataDirection d, int length,
                Function<ScsiTask, CompletionStage<Integer>> run) {
            return new CommandDescriptor() {
                @Override
                public DataDirection direction() {
                    return d;
                }

                @Override
                public int transferLength() {
                    return length;
                }

                @Override
                public CompletionStage<CommandResult> execute(ScsiTask task) {
                    return run.apply(task).thenApply(CommandResult::good);
                }
            };
        }

        /** As a disk: READ(10) reads, INQUIRY and TEST UNIT READY go through every reservation, the rest writes. */
        @Override
        public ReservationClass reservationClass(Cdb cdb) {
            return switch (cdb.opcode()) {
                case 0x28 -> ReservationClass.READ;
                case 0x00, 0x12 -> ReservationClass.ALLOWED;
                default -> ReservationClass.WRITE;
            };
        }

        @Override
        public boolean descriptorSense(boolean configured) {
            Boolean d = descriptorSense;
            return d == null ? configured : d;
        }

        @Override
        public int peripheralDeviceType() {
            return 0;
        }

        @Override
        public long capacityBytes() {
            return store.size();
        }

        @Override
        public Queueing queueing() {
            return provider.queueing;
        }

        @Override
        public void reset() {
            resets.incrementAndGet();
        }

        @Override
        public java.util.Optional<org.jstgt.api.scsi.Sense> condition() {
            return java.util.Optional.ofNullable(condition);
        }

        @Override
        public void nexusLost(String initiatorPortName, String targetPortName) {
            nexusesLost.add(initiatorPortName + " -> " + targetPortName);
        }

        @Override
        public boolean reconfigure(LunSpec next) {
            if (!provider.inPlace) {
                return false;
            }
            reconfigured.add(next);
            return true;
        }

        @Override
        public void close() {
            storeOpenAtClose = !((RecordingStore) store).isClosed();
            closed = true;
        }
    }
}
