package org.jstgt.itests.proof;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitContext;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreSpec;

/**
 * The drive side of {@link ProofDevice}: a sequential-access unit (peripheral type 1) with 512-byte
 * blocks on a medium it opens through the core (a 1 MiB memory store per cartridge name).
 * TEST UNIT READY (00h), READ(6) variable (08h: bytes 2-4 TRANSFER LENGTH in bytes), SPACE (11h:
 * bytes 2-4 COUNT of blocks, takes 300 ms, as a tape moving does) and READ POSITION short form
 * (34h: bytes 4-7 FIRST BLOCK LOCATION); anything else is INVALID COMMAND OPERATION CODE.
 */
final class ProofDrive implements LogicalUnit, RemovableMedium {
    static final int BLOCK = 512;
    static final long SPACE_MILLIS = 300;

    private final UnitContext context;
    private volatile BackingStore medium;
    private volatile String loaded;
    private final AtomicLong position = new AtomicLong();

    ProofDrive(UnitContext context) {
        this.context = context;
    }

    @Override
    public Queueing queueing() {
        return Queueing.IN_ORDER;
    }

    @Override
    public Optional<RemovableMedium> removableMedium() {
        return Optional.of(this);
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        var cdb = task.cdb();
        return switch (cdb.opcode()) {
            case 0x00 -> command(DataDirection.NONE, 0, t -> {
                ready();
                return done(CommandResult.good());
            });
            case 0x08 -> {
                if (cdb.bit(1, 0)) {
                    throw ScsiException.invalidCdbField(1, 0);
                }
                int asked = cdb.u24(2);
                yield command(DataDirection.IN, asked, t -> read(t, asked));
            }
            case 0x11 -> {
                int count = cdb.u24(2);
                yield command(DataDirection.NONE, 0, t -> {
                    ready();
                    CompletableFuture<CommandResult> later = new CompletableFuture<>();
                    CompletableFuture.delayedExecutor(SPACE_MILLIS, TimeUnit.MILLISECONDS, t.executor()).execute(() -> {
                        position.addAndGet(count);
                        later.complete(CommandResult.good());
                    });
                    return later;
                });
            }
            case 0x34 -> command(DataDirection.IN, 20, t -> {
                ready();
                ByteBuffer b = t.dataIn(20);
                // SSC-3 §7.7 short form: byte 0 BOP (7) EOP (6); bytes 4-7 FIRST BLOCK LOCATION
                b.put(0, (byte) (position.get() == 0 ? 0x80 : 0));
                b.putInt(4, (int) position.get());
                b.putInt(8, (int) position.get());
                return done(CommandResult.good(20));
            });
            default -> throw new ScsiException(SenseReason.INVALID_COMMAND_OPERATION_CODE).inCdb(0, -1);
        };
    }

    /**
     * SSC-3 §4.2.19: a variable-block read asking for other than the block's length returns what
     * fits with CHECK CONDITION, sense key NO SENSE, ILI, and INFORMATION = asked - actual.
     */
    private CompletionStage<CommandResult> read(ScsiTask t, int asked) throws ScsiException {
        ready();
        int n = Math.min(asked, BLOCK);
        ByteBuffer dst = t.dataIn(n);
        long at = position.getAndIncrement() * BLOCK;
        return medium.read(at, dst.slice(0, n), t.executor()).thenApply(v -> asked == BLOCK
                ? CommandResult.good(n)
                : CommandResult.checkCondition(Sense.of(SenseKey.NO_SENSE, 0, 0).withStreamBits(false, false, true)
                        .withInformation(asked - BLOCK), n));
    }

    private void ready() throws ScsiException {
        if (medium == null) {
            throw new ScsiException(SenseReason.MEDIUM_NOT_PRESENT);
        }
    }

    @Override
    public Optional<String> loaded() {
        return Optional.ofNullable(loaded);
    }

    @Override
    public synchronized CompletionStage<Void> load(String path) {
        if (medium != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("a medium is loaded"));
        }
        StoreSpec spec = new StoreSpec(context.spec().name(), context.spec().origin(), path, 1 << 20, false, Map.of());
        return context.media().open("memory", spec).thenAccept(store -> {
            synchronized (this) {
                medium = store;
                loaded = path;
                position.set(0);
            }
            context.events().mediumChanged();
        });
    }

    @Override
    public synchronized CompletionStage<Void> unload(boolean force) {
        BackingStore m = medium;
        if (m == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no medium"));
        }
        medium = null;
        loaded = null;
        try {
            m.close();
        } catch (java.io.IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public int peripheralDeviceType() {
        return 1;
    }

    @Override
    public long capacityBytes() {
        BackingStore m = medium;
        return m == null ? 0 : m.size();
    }

    @Override
    public void close() {
        unload(true);
    }

    @FunctionalInterface
    interface Work {
        CompletionStage<CommandResult> run(ScsiTask task) throws ScsiException;
    }

    static CompletionStage<CommandResult> done(CommandResult r) {
        return CompletableFuture.completedFuture(r);
    }

    static CommandDescriptor command(DataDirection direction, int length, Work work) {
        return new CommandDescriptor() {
            @Override
            public DataDirection direction() {
                return direction;
            }

            @Override
            public int transferLength() {
                return length;
            }

            @Override
            public CompletionStage<CommandResult> execute(ScsiTask task) {
                try {
                    return work.run(task);
                } catch (ScsiException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
        };
    }
}
