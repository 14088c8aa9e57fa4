package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * An SBC-4 direct-access block device on a {@link BackingStore}: the unit's state (spec, capacity,
 * write protection, cache and provisioning facts drawn from the store) and the opcode table its
 * command families fill. Parsing validates every field and the LBA range; execution maps each
 * command onto store reads, writes and flushes without blocking. A failed flush is never forgotten
 * ({@link LostWrites}): it fails every later flush and durable write, and an IMMED one is reported
 * as a deferred error when the nexus's next command is parsed.
 */
final class DiskUnit implements LogicalUnit {
    /** Device key: the largest transfer of one command (MAXIMUM TRANSFER LENGTH, SBC-4 §6.6.4). */
    static final String MAX_TRANSFER = "max.transfer";
    static final long DEFAULT_MAX_TRANSFER = 8L << 20;
    /** Each command's data is held in memory whole: keep one command's buffer bounded. */
    static final long MAX_MAX_TRANSFER = 64L << 20;

    private final LunSpec spec;
    private final BackingStore store;
    private final StoreCalls io;
    private final int blockSize;
    private final boolean readOnly;
    /** The store keeps a volatile cache that FLUSH makes durable (WCE). */
    private final boolean writeCache;
    /** The store honours force unit access on a write. */
    private final boolean storeFua;
    /** Thin provisioning (SBC-4 §4.7.3): UNMAP reaches a store that deallocates, and reads zeros after. */
    private final boolean thin;
    private final int maxTransferBlocks;
    private final LostWrites lostWrites;
    private final RangeGuard guard = new RangeGuard();
    private final DiskModes modes;
    private final Xcopy copyManager;
    private final OpcodeTable table;

    private DiskUnit(LunSpec spec, BackingStore store, Executor workers, int maxTransferBlocks, boolean dSense,
            UnitEvents events, Path savedModes, LunDirectory luns) {
        this.spec = spec;
        this.store = store;
        this.io = new StoreCalls(store, workers, spec.name());
        this.blockSize = spec.blockSize();
        this.readOnly = spec.readOnly() || store.readOnly();
        Set<StoreCapability> caps = store.capabilities();
        this.writeCache = caps.contains(StoreCapability.FLUSH);
        this.storeFua = caps.contains(StoreCapability.FUA);
        this.thin = caps.contains(StoreCapability.UNMAP) && !readOnly;
        this.maxTransferBlocks = maxTransferBlocks;
        this.lostWrites = new LostWrites(spec.name());
        this.modes = new DiskModes(this, dSense, events, new SavedModes(savedModes, workers));
        Capacity capacity = new Capacity(this);
        this.copyManager = new Xcopy(this, luns);
        List<CommandFamily> families = List.of(new StartStop(this), new Pages(this, capacity, modes), capacity,
                new ReadWrite(this), new Verify(this), new Cache(this), new CompareAndWrite(this), new WriteSame(this),
                new GetLbaStatus(this), new FormatUnit(this), new DefectData(), new OrWrite(this), copyManager);
        OpcodeTable.Builder b = OpcodeTable.builder();
        for (CommandFamily f : families) {
            f.register(b);
        }
        if (thin) {
            new Unmap(this).register(b);
        }
        this.table = b.reportSupportedOperationCodes().build();
    }

    /**
     * A unit whose saved mode pages live as long as it, and whose mode parameter changes raise no
     * unit attention (tests).
     *
     * @param spec the LUN definition
     * @param store the opened store
     * @param workers runs calls to stores that block
     * @return the unit
     * @throws ConfigException as {@link #create(LunSpec, BackingStore, Executor, UnitEvents, Path)}
     */
    static DiskUnit create(LunSpec spec, BackingStore store, Executor workers) throws ConfigException {
        return create(spec, store, workers, DiskModes.NO_EVENTS, null);
    }

    /**
     * @param spec the LUN definition
     * @param store the opened store
     * @param workers runs calls to stores that block
     * @param events the unit's events towards initiators
     * @param savedModes the file of the saved mode pages ({@link SavedModes}), or null to keep
     *     them in memory
     * @return the unit
     * @throws ConfigException {@code size} when the store is empty or not a multiple of the block
     *     size, {@code max.transfer} or {@code sense.format} when bad
     */
    static DiskUnit create(LunSpec spec, BackingStore store, Executor workers, UnitEvents events, Path savedModes)
            throws ConfigException {
        return create(spec, store, workers, events, savedModes, name -> Optional.empty());
    }

    /**
     * A unit with in-memory saved mode pages and no unit attentions that EXTENDED COPY lets reach
     * other units (tests).
     *
     * @param luns the target's other units, which EXTENDED COPY reaches ({@link Xcopy})
     * @see #create(LunSpec, BackingStore, Executor)
     */
    static DiskUnit create(LunSpec spec, BackingStore store, Executor workers, LunDirectory luns)
            throws ConfigException {
        return create(spec, store, workers, DiskModes.NO_EVENTS, null, luns);
    }

    /**
     * @param luns the target's other units, which EXTENDED COPY reaches ({@link Xcopy})
     * @see #create(LunSpec, BackingStore, Executor, UnitEvents, Path)
     */
    static DiskUnit create(LunSpec spec, BackingStore store, Executor workers, UnitEvents events, Path savedModes,
            LunDirectory luns)
            throws ConfigException {
        int bs = spec.blockSize();
        if (bs < 512 || Integer.bitCount(bs) != 1) {
            throw new ConfigException("block.size", bs + " is not a power of two of at least 512");
        }
        long size = store.size();
        if (size % bs != 0) {
            throw new ConfigException("size", "the store holds " + size + " bytes (" + Sizes.format(size)
                    + "), not a multiple of block.size " + bs);
        }
        if (size == 0) {
            throw new ConfigException("size", "the store " + store.describe() + " is empty");
        }
        long max = Sizes.parse(MAX_TRANSFER, spec.property(MAX_TRANSFER, Long.toString(DEFAULT_MAX_TRANSFER)));
        if (max < bs || max > MAX_MAX_TRANSFER || max % bs != 0) {
            throw new ConfigException(MAX_TRANSFER, "'" + spec.property(MAX_TRANSFER, "") + "' must be a multiple of "
                    + "block.size " + bs + " between " + bs + " B and " + Sizes.format(MAX_MAX_TRANSFER));
        }
        return new DiskUnit(spec, store, workers, (int) (max / bs), ModePages.descriptorSense(spec), events,
                savedModes, luns);
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        lostWrites.reportDeferred(task);
        return table.parse(task);
    }

    /** The class its opcode table gives the command (SPC-4 §5.13.1, SBC-3 §4.17). */
    @Override
    public ReservationClass reservationClass(Cdb cdb) {
        return table.reservationClass(cdb);
    }

    /** D_SENSE of the current Control mode page, which starts from {@code sense.format} or the saved page. */
    @Override
    public boolean descriptorSense(boolean configured) {
        return modes.descriptorSense();
    }

    /** Per-nexus state ends with the nexus: what the copy manager holds for RECEIVE COPY RESULTS. */
    @Override
    public void nexusLost(String initiatorPortName, String targetPortName) {
        copyManager.nexusLost(initiatorPortName, targetPortName);
    }

    @Override
    public int peripheralDeviceType() {
        return 0;
    }

    @Override
    public long capacityBytes() {
        return capacity() * blockSize;
    }

    @Override
    public void close() {
        // the core closes the store; nothing of the unit's own outlives it
    }

    /** @return the number of logical blocks, as the store's size now says */
    long capacity() {
        return store.size() / blockSize;
    }

    OpcodeTable opcodeTable() {
        return table;
    }

    int maxTransferBlocks() {
        return maxTransferBlocks;
    }

    LunSpec spec() {
        return spec;
    }

    String name() {
        return spec.name();
    }

    StoreCalls io() {
        return io;
    }

    /**
     * Writes blocks for EXTENDED COPY ({@link XcopyPump}): every write a copy makes to this unit
     * goes through here, held in the unit's {@link RangeGuard} like any other write (so a COMPARE
     * AND WRITE of the blocks stays atomic, and overlapping writes keep their order); while WCE is 0
     * the write is durable ({@link ReadWrite#write}).
     *
     * @param lba the first block
     * @param data whole blocks
     * @param executor where the write completes
     * @return completes when written
     */
    CompletionStage<Void> copyWrite(long lba, ByteBuffer data, Executor executor) {
        return guard.run(lba, data.remaining() / blockSize, executor,
                () -> ReadWrite.write(this, lba * blockSize, data, false, executor));
    }

    /** @return the unit's record of a failed flush, through which its flushes and durable writes go */
    LostWrites lostWrites() {
        return lostWrites;
    }

    /** @return the ranges being written, through which every command that changes blocks goes */
    RangeGuard guard() {
        return guard;
    }

    int blockSize() {
        return blockSize;
    }

    boolean readOnly() {
        return readOnly;
    }

    boolean writeCache() {
        return writeCache;
    }

    /**
     * @return the store has a volatile cache that the Caching mode page's WCE 0 disables: every
     *     write is made durable before GOOD, as with FUA (SBC-4 §6.5.5)
     */
    boolean writeThrough() {
        return writeCache && !modes.writeCacheEnabled();
    }

    boolean storeFua() {
        return storeFua;
    }

    boolean thin() {
        return thin;
    }
}
