package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.ModePage;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.ReservationClass;
import org.jstgt.scsi.spc.StoreCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SBC-4 direct-access block device on a {@link BackingStore}: a lifecycle plus an opcode table.
 * Parsing validates every field and the LBA range; execution maps each command onto store reads,
 * writes and flushes without blocking.
 */
final class DiskUnit implements LogicalUnit {
    private static final Logger LOG = LoggerFactory.getLogger(DiskUnit.class);

    /** Device key: the largest transfer of one command (MAXIMUM TRANSFER LENGTH, SBC-4 §6.6.4). */
    static final String MAX_TRANSFER = "max.transfer";
    static final long DEFAULT_MAX_TRANSFER = 8L << 20;
    /** Each command's data is held in memory whole: keep one command's buffer bounded. */
    static final long MAX_MAX_TRANSFER = 64L << 20;

    private static final int READ_6 = 0x08;
    private static final int WRITE_6 = 0x0A;
    private static final int READ_10 = 0x28;
    private static final int WRITE_10 = 0x2A;
    private static final int READ_12 = 0xA8;
    private static final int WRITE_12 = 0xAA;
    private static final int READ_16 = 0x88;
    private static final int WRITE_16 = 0x8A;
    private static final int VERIFY_10 = 0x2F;
    private static final int VERIFY_12 = 0xAF;
    private static final int VERIFY_16 = 0x8F;
    private static final int WRITE_AND_VERIFY_10 = 0x2E;
    private static final int WRITE_AND_VERIFY_12 = 0xAE;
    private static final int WRITE_AND_VERIFY_16 = 0x8E;
    private static final int SERVICE_ACTION_IN_16 = 0x9E;
    private static final int READ_CAPACITY_16 = 0x10;
    private static final int UNMAP = 0x42;
    /** MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT announced in the Block Limits page. */
    static final int MAX_UNMAP_DESCRIPTORS = 256;

    /** Caching mode page (SBC-4 §6.5.5). */
    private static final int CACHING_PAGE = 0x08;
    /** VPD pages (SBC-4 §6.6). */
    static final int VPD_BLOCK_LIMITS = 0xB0;
    static final int VPD_BLOCK_DEVICE_CHARACTERISTICS = 0xB1;
    static final int VPD_LOGICAL_BLOCK_PROVISIONING = 0xB2;

    private final LunSpec spec;
    private final BackingStore store;
    private final StoreCalls io;
    private final int blockSize;
    private final boolean readOnly;
    private final boolean writeCache;
    private final boolean storeFua;
    /** Thin provisioning (SBC-4 §4.7.3): UNMAP reaches a store that deallocates, and reads zeros after. */
    private final boolean thin;
    private final int maxTransferBlocks;
    private final Inquiry inquiry;
    private final ModeSense modeSense;
    private final OpcodeTable table;

    private DiskUnit(LunSpec spec, BackingStore store, Executor workers, int maxTransferBlocks, boolean dSense) {
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
        Inquiry.Builder inq = Inquiry.builder(spec, 0)
                .versionDescriptors(Inquiry.VERSION_SAM5, Inquiry.VERSION_ISCSI, Inquiry.VERSION_SPC4,
                        Inquiry.VERSION_SBC3)
                .page(VPD_BLOCK_LIMITS, t -> blockLimits())
                .page(VPD_BLOCK_DEVICE_CHARACTERISTICS, t -> blockDeviceCharacteristics());
        if (thin) {
            inq.page(VPD_LOGICAL_BLOCK_PROVISIONING, t -> logicalBlockProvisioning());
        }
        this.inquiry = inq.build();
        this.modeSense = ModeSense.builder()
                .page(new ModePage(CACHING_PAGE, 0, this::caching, new byte[18], this::caching))
                .page(ModePages.control(dSense))
                .page(ModePages.informationalExceptions())
                // SBC-4 §6.5.1: WP (bit 7) when writes are refused, DPOFUA (bit 4): DPO and FUA accepted
                .deviceSpecificParameter(() -> (readOnly ? 0x80 : 0) | 0x10)
                .blockDescriptors(this::capacity, blockSize)
                .build();
        this.table = table();
    }

    /**
     * @param spec the LUN definition
     * @param store the opened store
     * @param workers runs calls to stores that block
     * @return the unit
     * @throws ConfigException {@code size} when the store is empty or not a multiple of the block
     *     size, {@code max.transfer} or {@code sense.format} when bad
     */
    static DiskUnit create(LunSpec spec, BackingStore store, Executor workers) throws ConfigException {
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
        return new DiskUnit(spec, store, workers, (int) (max / bs), ModePages.descriptorSense(spec));
    }

    private OpcodeTable table() {
        int full = 0xFF;
        OpcodeTable.Builder b = OpcodeTable.builder();
        if (thin) {
            b.command(UNMAP, "UNMAP", 10).out()
                    .usage(0, 0x01, 0, 0, 0, 0, 0, full, full, 0)
                    .handler(this::unmap);
        }
        return b
                .command(0x00, "TEST UNIT READY", 6).reservation(ReservationClass.ALLOWED)
                .usage(0, 0, 0, 0, 0, 0)
                .handler(this::testUnitReady)
                .command(Inquiry.OPCODE, "INQUIRY", 6).in().allowedWithUnitAttention()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0x01, full, full, full, 0)
                .handler(inquiry::parse)
                .command(ModeSense.OPCODE_6, "MODE SENSE(6)", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x08, full, full, full, 0)
                .handler(modeSense::parse6)
                .command(ModeSense.OPCODE_10, "MODE SENSE(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x18, full, full, 0, 0, 0, full, full, 0)
                .handler(modeSense::parse10)
                .command(0x1B, "START STOP UNIT", 6).reservation(ReservationClass.WRITE)
                .usage(0, 0x01, 0, 0x0F, 0xF7, 0)
                .handler(this::startStopUnit)
                .command(0x1E, "PREVENT ALLOW MEDIUM REMOVAL", 6).reservation(ReservationClass.WRITE)
                .usage(0, 0, 0, 0, 0x03, 0)
                .handler(this::preventAllow)
                .command(0x25, "READ CAPACITY(10)", 10).in().reservation(ReservationClass.ALLOWED)
                .usage(0, 0, full, full, full, full, 0, 0, 0x01, 0)
                .handler(this::readCapacity10)
                .command(SERVICE_ACTION_IN_16, READ_CAPACITY_16, "READ CAPACITY(16)", 16).in()
                .reservation(ReservationClass.ALLOWED)
                .usage(0, 0, full, full, full, full, full, full, full, full, full, full, full, full, 0x01, 0)
                .handler(this::readCapacity16)
                .command(READ_6, "READ(6)", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x1F, full, full, full, 0)
                .handler(this::readWrite)
                .command(READ_10, "READ(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0xF8, full, full, full, full, 0, full, full, 0)
                .handler(this::readWrite)
                .command(READ_12, "READ(12)", 12).in().reservation(ReservationClass.READ)
                .usage(0, 0xF8, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readWrite)
                .command(READ_16, "READ(16)", 16).in().reservation(ReservationClass.READ)
                .usage(0, 0xF8, full, full, full, full, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readWrite)
                .command(WRITE_6, "WRITE(6)", 6).out()
                .usage(0, 0x1F, full, full, full, 0)
                .handler(this::readWrite)
                .command(WRITE_10, "WRITE(10)", 10).out()
                .usage(0, 0xF8, full, full, full, full, 0, full, full, 0)
                .handler(this::readWrite)
                .command(WRITE_12, "WRITE(12)", 12).out()
                .usage(0, 0xF8, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readWrite)
                .command(WRITE_16, "WRITE(16)", 16).out()
                .usage(0, 0xF8, full, full, full, full, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readWrite)
                .command(VERIFY_10, "VERIFY(10)", 10).out().reservation(ReservationClass.READ)
                .usage(0, 0xF6, full, full, full, full, 0, full, full, 0)
                .handler(this::verify)
                .command(VERIFY_12, "VERIFY(12)", 12).out().reservation(ReservationClass.READ)
                .usage(0, 0xF6, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::verify)
                .command(VERIFY_16, "VERIFY(16)", 16).out().reservation(ReservationClass.READ)
                .usage(0, 0xF6, full, full, full, full, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::verify)
                .command(WRITE_AND_VERIFY_10, "WRITE AND VERIFY(10)", 10).out()
                .usage(0, 0xF6, full, full, full, full, 0, full, full, 0)
                .handler(this::readWrite)
                .command(WRITE_AND_VERIFY_12, "WRITE AND VERIFY(12)", 12).out()
                .usage(0, 0xF6, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readWrite)
                .command(WRITE_AND_VERIFY_16, "WRITE AND VERIFY(16)", 16).out()
                .usage(0, 0xF6, full, full, full, full, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::readWrite)
                .command(0x35, "SYNCHRONIZE CACHE(10)", 10)
                .usage(0, 0x02, full, full, full, full, 0, full, full, 0)
                .handler(this::synchronizeCache)
                .command(0x91, "SYNCHRONIZE CACHE(16)", 16)
                .usage(0, 0x02, full, full, full, full, full, full, full, full, full, full, full, full, 0, 0)
                .handler(this::synchronizeCache)
                .reportSupportedOperationCodes()
                .build();
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        return table.parse(task);
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

    // ---- SPC-4 / SBC-4 commands without data

    /** TEST UNIT READY (SPC-4 §6.47): bytes 1-4 reserved; the unit is always ready. */
    private CommandDescriptor testUnitReady(ScsiTask task) throws ScsiException {
        CdbChecks.requireZeroBytes(task.cdb(), 1, 4);
        return Commands.good();
    }

    /**
     * START STOP UNIT (SBC-4 §5.27): byte 1 IMMED (0); byte 3 POWER CONDITION MODIFIER (3-0);
     * byte 4 POWER CONDITION (7-4), NO_FLUSH (2), LOEJ (1), START (0). The medium is not
     * removable, so LOEJ is refused; a stop flushes the cache unless NO_FLUSH, and the unit stays
     * ready (a virtual disk has no spindle to stop).
     */
    private CommandDescriptor startStopUnit(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 2, 2);
        CdbChecks.requireZero(cdb, 3, 0xF0);
        CdbChecks.requireZero(cdb, 4, 0x08);
        int powerCondition = cdb.u8(4) >>> 4;
        switch (powerCondition) {
            // 0h START_VALID, 1h ACTIVE, 2h IDLE, 3h STANDBY, 7h LU_CONTROL, Ah FORCE_IDLE_0, Bh FORCE_STANDBY_0
            case 0x0, 0x1, 0x2, 0x3, 0x7, 0xA, 0xB -> {
            }
            default -> throw ScsiException.invalidCdbField(4, 7);
        }
        boolean start = cdb.bit(4, 0);
        boolean loej = cdb.bit(4, 1);
        boolean noFlush = cdb.bit(4, 2);
        if (powerCondition != 0) {
            // START and LOEJ are ignored with a power condition; there are no power states to enter
            return Commands.good();
        }
        if (loej) {
            throw ScsiException.invalidCdbField(4, 1);
        }
        if (!start && !noFlush) {
            return Commands.noData(t -> io.flush(t.executor()));
        }
        return Commands.good();
    }

    /**
     * PREVENT ALLOW MEDIUM REMOVAL (SBC-4 §5.12): byte 4 PREVENT (1-0); 00b allow, 01b prevent.
     * Nothing can be removed from this unit, so both succeed.
     */
    private CommandDescriptor preventAllow(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZeroBytes(cdb, 1, 3);
        CdbChecks.requireZero(cdb, 4, 0xFE);
        return Commands.good();
    }

    /**
     * SYNCHRONIZE CACHE(10)/(16) (SBC-4 §5.29, §5.30): byte 1 IMMED (1); LBA and NUMBER OF
     * LOGICAL BLOCKS (0: to the end of the medium). The store flushes everything written, which
     * covers the range. IMMED returns GOOD once the CDB is valid; a failure of that flush is
     * logged (there is no deferred error reporting).
     */
    private CommandDescriptor synchronizeCache(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        boolean ten = cdb.opcode() == 0x35;
        // byte 1: bits 7-3 reserved, SYNC_NV (2) obsolete, IMMED (1), bit 0 obsolete
        CdbChecks.requireZero(cdb, 1, 0xF8);
        long lba = ten ? cdb.u32(2) : cdb.u64(2);
        long blocks = ten ? cdb.u16(7) : cdb.u32(10);
        CdbChecks.checkRange(lba, blocks, capacity());
        boolean immed = cdb.bit(1, 1);
        return Commands.noData(t -> {
            CompletionStage<Void> flush = io.flush(t.executor());
            if (!immed) {
                return flush;
            }
            flush.whenComplete((v, err) -> {
                if (err != null) {
                    LOG.error("LUN {}: SYNCHRONIZE CACHE with IMMED failed after GOOD was returned: {}",
                            spec.name(), StoreCalls.unwrap(err).toString());
                }
            });
            return CompletableFuture.completedFuture(null);
        });
    }

    // ---- capacity

    /**
     * READ CAPACITY(10) (SBC-3 §5.15): bytes 2-5 LOGICAL BLOCK ADDRESS and byte 8 PMI (bit 0),
     * both obsolete in SBC-4; an LBA with PMI 0 is an error. RETURNED LOGICAL BLOCK ADDRESS is
     * FFFFFFFFh when the last LBA does not fit (use READ CAPACITY(16)).
     */
    private CommandDescriptor readCapacity10(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 6, 7);
        CdbChecks.requireZero(cdb, 8, 0xFE);
        if (!cdb.bit(8, 0) && cdb.u32(2) != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return Commands.dataIn(8, t -> {
            byte[] d = new byte[8];
            long last = capacity() - 1;
            Bytes.putU32(d, 0, last > 0xFFFF_FFFEL ? 0xFFFF_FFFFL : last);
            Bytes.putU32(d, 4, blockSize);
            return d;
        });
    }

    /**
     * READ CAPACITY(16) (SBC-4 §5.21): bytes 2-9 LOGICAL BLOCK ADDRESS (obsolete), 10-13
     * ALLOCATION LENGTH, byte 14 PMI (obsolete). Parameter data (table 67): RETURNED LOGICAL
     * BLOCK ADDRESS, LOGICAL BLOCK LENGTH, no protection, one logical block per physical block,
     * LBPME and LBPRZ when thin provisioned (unmapped blocks read as zeros, as the store promises).
     */
    private CommandDescriptor readCapacity16(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZero(cdb, 14, 0xFE);
        if (!cdb.bit(14, 0) && cdb.u64(2) != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return Commands.dataIn(CdbChecks.cap(cdb.u32(10)), t -> {
            byte[] d = new byte[32];
            Bytes.putU64(d, 0, capacity() - 1);
            Bytes.putU32(d, 8, blockSize);
            // byte 14: LBPME (7) and LBPRZ (6) when thin provisioned
            d[14] = (byte) (thin ? 0xC0 : 0);
            return d;
        });
    }

    // ---- VPD pages

    /**
     * Block Limits VPD page (SBC-4 §6.6.4), PAGE LENGTH 3Ch: OPTIMAL TRANSFER LENGTH GRANULARITY
     * of 4 KiB, MAXIMUM TRANSFER LENGTH per {@code max.transfer}, OPTIMAL TRANSFER LENGTH of 1 MiB
     * (or the maximum when smaller); UNMAP limits only when thin provisioned (no limit on the LBA
     * count, 256 descriptors, 4 KiB granularity); no WRITE SAME or COMPARE AND WRITE.
     */
    private byte[] blockLimits() {
        byte[] p = new byte[0x3C];
        // page bytes 6-7 OPTIMAL TRANSFER LENGTH GRANULARITY, 8-11 MAXIMUM TRANSFER LENGTH,
        // 12-15 OPTIMAL TRANSFER LENGTH (offsets below are minus the 4-byte header)
        Bytes.putU16(p, 2, Math.max(1, 4096 / blockSize));
        Bytes.putU32(p, 4, maxTransferBlocks);
        Bytes.putU32(p, 8, Math.min(maxTransferBlocks, Math.max(1, (1 << 20) / blockSize)));
        if (thin) {
            // page bytes 20-23 MAXIMUM UNMAP LBA COUNT, 24-27 MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT,
            // 28-31 OPTIMAL UNMAP GRANULARITY
            Bytes.putU32(p, 16, 0xFFFF_FFFFL);
            Bytes.putU32(p, 20, MAX_UNMAP_DESCRIPTORS);
            Bytes.putU32(p, 24, Math.max(1, 4096 / blockSize));
        }
        return p;
    }

    /**
     * Logical Block Provisioning VPD page (SBC-4 §6.6.6), thin provisioned units only: LBPU 1
     * (UNMAP), LBPWS and LBPWS10 0 (no WRITE SAME), LBPRZ 1, ANC_SUP 0, DP 0, PROVISIONING TYPE 010b.
     */
    private byte[] logicalBlockProvisioning() {
        // page byte 4 THRESHOLD EXPONENT; 5 LBPU (7), LBPWS (6), LBPWS10 (5), LBPRZ (4-2), ANC_SUP (1),
        // DP (0); 6 MINIMUM PERCENTAGE (7-3), PROVISIONING TYPE (2-0); 7 THRESHOLD PERCENTAGE
        return new byte[] {0, (byte) 0x84, 0x02, 0};
    }

    // ---- UNMAP

    /**
     * UNMAP (SBC-4 §5.32): byte 1 ANCHOR (0; anchored state is not supported); bytes 7-8 PARAMETER
     * LIST LENGTH (0: nothing to do). The parameter list is checked when it has arrived.
     */
    private CommandDescriptor unmap(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFF);
        CdbChecks.requireZeroBytes(cdb, 2, 5);
        int length = cdb.u16(7);
        if (length == 0) {
            return Commands.good();
        }
        if (length < 8) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR).inCdb(7, -1);
        }
        return new Block(DataDirection.OUT, length, -1, 0, this::unmapList);
    }

    /**
     * UNMAP parameter list (SBC-4 §5.32.2): bytes 0-1 UNMAP DATA LENGTH, 2-3 UNMAP BLOCK
     * DESCRIPTOR DATA LENGTH, then 16-byte descriptors (LBA, NUMBER OF LOGICAL BLOCKS). Every
     * descriptor is checked before any block is deallocated; descriptors beyond the list are
     * ignored, as is a trailing partial descriptor.
     */
    private CompletionStage<CommandResult> unmapList(ScsiTask task) {
        // duplicate(): big-endian whatever the transport's buffer order
        ByteBuffer list = task.dataOut().duplicate();
        int base = list.position();
        int available = list.remaining() - 8;
        int declared = ((list.get(base + 2) & 0xFF) << 8) | (list.get(base + 3) & 0xFF);
        int count = Math.min(declared, available) / 16;
        if (count > MAX_UNMAP_DESCRIPTORS) {
            return CompletableFuture.failedFuture(
                    new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(2, 7));
        }
        long[] lbas = new long[count];
        long[] counts = new long[count];
        long capacity = capacity();
        for (int i = 0; i < count; i++) {
            int at = base + 8 + 16 * i;
            lbas[i] = list.getLong(at);
            counts[i] = list.getInt(at + 8) & 0xFFFF_FFFFL;
            try {
                CdbChecks.checkRange(lbas[i], counts[i], capacity);
            } catch (ScsiException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < count; i++) {
            if (counts[i] == 0) {
                continue;
            }
            long offset = lbas[i] * blockSize;
            long bytes = counts[i] * blockSize;
            chain = chain.thenCompose(v -> io.unmap(offset, bytes, task.executor()));
        }
        return chain.thenApply(v -> CommandResult.good());
    }

    /**
     * Block Device Characteristics VPD page (SBC-4 §6.6.2), PAGE LENGTH 3Ch: MEDIUM ROTATION RATE
     * 0001h (non-rotating), NOMINAL FORM FACTOR 0 (not reported).
     */
    private byte[] blockDeviceCharacteristics() {
        byte[] p = new byte[0x3C];
        Bytes.putU16(p, 0, 0x0001);
        return p;
    }

    /**
     * Caching mode page (SBC-4 §6.5.5), 18 parameter bytes: WCE (byte 2 bit 2) when the store
     * keeps a volatile cache that FLUSH makes durable; RCD 0. Not changeable.
     */
    private byte[] caching() {
        byte[] p = new byte[18];
        p[0] = (byte) (writeCache ? 0x04 : 0);
        return p;
    }

    // ---- READ / WRITE / WRITE AND VERIFY

    /**
     * READ/WRITE(6) (SBC-4 §5.15, §5.41; 21-bit LBA, TRANSFER LENGTH 0 means 256 blocks),
     * READ/WRITE/WRITE AND VERIFY(10), (12), (16): byte 1 RDPROTECT/WRPROTECT (7-5), DPO (4), FUA (3)
     * (WRITE AND VERIFY: BYTCHK (2-1) instead of FUA). TRANSFER LENGTH 0 transfers nothing and is
     * not an error.
     */
    private CommandDescriptor readWrite(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        int op = cdb.opcode();
        boolean write = op != READ_6 && op != READ_10 && op != READ_12 && op != READ_16;
        boolean verify = op == WRITE_AND_VERIFY_10 || op == WRITE_AND_VERIFY_12 || op == WRITE_AND_VERIFY_16;
        long lba;
        long blocks;
        int lengthField;
        boolean fua = false;
        boolean byteCheck = false;
        if (op == READ_6 || op == WRITE_6) {
            // byte 1 bits 7-5 reserved, 4-0 LBA (MSB); bytes 2-3 LBA; byte 4 TRANSFER LENGTH
            CdbChecks.requireZero(cdb, 1, 0xE0);
            lba = cdb.u24(1) & 0x1F_FFFF;
            blocks = cdb.u8(4) == 0 ? 256 : cdb.u8(4);
            lengthField = 4;
        } else {
            // SBC-4: no protection information on this unit, so xxPROTECT must be 000b
            CdbChecks.requireZero(cdb, 1, 0xE0);
            if (verify) {
                // byte 1 bit 3 reserved; bits 2-1 BYTCHK: 00b no compare, 01b compare, 1xb reserved
                CdbChecks.requireZero(cdb, 1, 0x0C);
                byteCheck = cdb.bit(1, 1);
                fua = true;
            } else {
                fua = cdb.bit(1, 3);
            }
            if (op == READ_10 || op == WRITE_10 || op == WRITE_AND_VERIFY_10) {
                // bytes 2-5 LBA, 6 GROUP NUMBER, 7-8 TRANSFER LENGTH
                lba = cdb.u32(2);
                blocks = cdb.u16(7);
                lengthField = 7;
            } else if (op == READ_12 || op == WRITE_12 || op == WRITE_AND_VERIFY_12) {
                // bytes 2-5 LBA, 6-9 TRANSFER LENGTH, 10 GROUP NUMBER
                lba = cdb.u32(2);
                blocks = cdb.u32(6);
                lengthField = 6;
            } else {
                // bytes 2-9 LBA, 10-13 TRANSFER LENGTH, 14 GROUP NUMBER
                lba = cdb.u64(2);
                blocks = cdb.u32(10);
                lengthField = 10;
            }
        }
        if (blocks > maxTransferBlocks) {
            // SBC-4 §6.6.4: a transfer above MAXIMUM TRANSFER LENGTH is an invalid TRANSFER LENGTH
            throw ScsiException.invalidCdbField(lengthField, -1);
        }
        if (write && readOnly) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        CdbChecks.checkRange(lba, blocks, capacity());
        if (blocks == 0) {
            return Commands.good();
        }
        int length = (int) blocks * blockSize;
        long offset = lba * blockSize;
        boolean forceUnitAccess = fua;
        boolean compare = byteCheck;
        if (write) {
            return new Block(DataDirection.OUT, length, lba, blocks,
                    t -> write(t, offset, length, forceUnitAccess, compare));
        }
        return new Block(DataDirection.IN, length, lba, blocks, t -> read(t, offset, length, forceUnitAccess));
    }

    /**
     * A read: with FUA (SBC-4 §5.16) the data must come from the medium, so cached writes are
     * made durable first when the store has a volatile cache.
     */
    private CompletionStage<CommandResult> read(ScsiTask task, long offset, int length, boolean fua) {
        ByteBuffer dst = task.dataIn(length);
        Executor loop = task.executor();
        CompletionStage<Void> before = fua && writeCache ? io.flush(loop) : CompletableFuture.completedFuture(null);
        return before.thenCompose(v -> io.read(offset, dst, loop)).thenApply(v -> CommandResult.good(length));
    }

    /**
     * A write: FUA goes to the store as force unit access when it honours it, else as a write
     * followed by a flush when it has a volatile cache (SBC-4 §4.15). WRITE AND VERIFY with BYTCHK
     * reads the blocks back and compares them.
     */
    private CompletionStage<CommandResult> write(ScsiTask task, long offset, int cdbLength, boolean fua, boolean byteCheck) {
        ByteBuffer src = task.dataOut();
        int length = cdbLength;
        if (src.remaining() > length) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "Data-Out holds " + src.remaining() + " bytes, the CDB " + length));
        }
        if (src.remaining() < length) {
            // The initiator's expected length was short (SAM-5 §5.4.2 overflow): store the whole
            // blocks it sent and nothing else; the fabric reports the overflow residual.
            int whole = src.remaining() - src.remaining() % blockSize;
            if (whole == 0) {
                return CompletableFuture.completedFuture(CommandResult.good());
            }
            src = src.duplicate();
            src.limit(src.position() + whole);
            length = whole;
        }
        ByteBuffer data = src.duplicate();
        Executor loop = task.executor();
        CompletionStage<Void> done;
        if (!fua) {
            done = io.write(offset, src, false, loop);
        } else if (storeFua) {
            done = io.write(offset, src, true, loop);
        } else if (writeCache) {
            done = io.write(offset, src, false, loop).thenCompose(v -> io.flush(loop));
        } else {
            done = io.write(offset, src, false, loop);
        }
        if (!byteCheck) {
            return done.thenApply(v -> CommandResult.good());
        }
        int written = length;
        return done.thenCompose(v -> compare(offset, written, data, false, loop)).thenApply(v -> CommandResult.good());
    }

    // ---- VERIFY

    /**
     * VERIFY(10)/(12)/(16) (SBC-4 §5.34-5.36): byte 1 VRPROTECT (7-5), DPO (4), BYTCHK (2-1):
     * 00b checks the range only, 01b compares the Data-Out with the medium, 11b compares one
     * block of Data-Out with every block of the range; 10b is reserved.
     */
    private CommandDescriptor verify(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        int op = cdb.opcode();
        CdbChecks.requireZero(cdb, 1, 0xE8);
        int bytchk = (cdb.u8(1) >>> 1) & 3;
        if (bytchk == 0b10) {
            throw ScsiException.invalidCdbField(1, 2);
        }
        long lba;
        long blocks;
        int lengthField;
        if (op == VERIFY_10) {
            lba = cdb.u32(2);
            blocks = cdb.u16(7);
            lengthField = 7;
        } else if (op == VERIFY_12) {
            lba = cdb.u32(2);
            blocks = cdb.u32(6);
            lengthField = 6;
        } else {
            lba = cdb.u64(2);
            blocks = cdb.u32(10);
            lengthField = 10;
        }
        if (bytchk != 0 && blocks > maxTransferBlocks) {
            throw ScsiException.invalidCdbField(lengthField, -1);
        }
        CdbChecks.checkRange(lba, blocks, capacity());
        if (bytchk == 0 || blocks == 0) {
            return Commands.good();
        }
        int length = (int) blocks * blockSize;
        long offset = lba * blockSize;
        boolean oneBlock = bytchk == 0b11;
        int out = oneBlock ? blockSize : length;
        return new Block(DataDirection.OUT, out, lba, blocks, t -> {
            ByteBuffer expected = t.dataOut();
            if (expected.remaining() > out) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "Data-Out holds " + expected.remaining() + " bytes, the CDB " + out));
            }
            if (expected.remaining() < out) {
                // EDTL short of what BYTCHK needs (overflow): nothing to compare against
                return CompletableFuture.failedFuture(
                        new ScsiException(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT));
            }
            return compare(offset, length, expected, oneBlock, t.executor()).thenApply(v -> CommandResult.good());
        });
    }

    /**
     * Reads {@code length} bytes at {@code offset} and compares them with {@code expected} (whole,
     * or one block repeated). A difference is MISCOMPARE DURING VERIFY OPERATION with INFORMATION
     * the offset of the first differing byte in the Data-Out buffer (SBC-4 §5.34).
     */
    private CompletionStage<Void> compare(long offset, int length, ByteBuffer expected, boolean oneBlock,
            Executor completion) {
        ByteBuffer medium = ByteBuffer.allocate(length);
        return io.read(offset, medium, completion).thenCompose(v -> {
            byte[] m = medium.array();
            int base = expected.position();
            for (int i = 0; i < length; i++) {
                int j = oneBlock ? i % blockSize : i;
                if (m[i] != expected.get(base + j)) {
                    return CompletableFuture.failedFuture(
                            new ScsiException(SenseReason.MISCOMPARE_DURING_VERIFY).withInformation(j));
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Runs a block command. */
    @FunctionalInterface
    private interface Run {
        CompletionStage<CommandResult> run(ScsiTask task);
    }

    /** A command that addresses blocks: direction, byte count and range for the core. */
    private record Block(DataDirection direction, int transferLength, long lba, long blocks, Run run)
            implements CommandDescriptor {
        @Override
        public CompletionStage<CommandResult> execute(ScsiTask task) {
            try {
                return run.run(task);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
