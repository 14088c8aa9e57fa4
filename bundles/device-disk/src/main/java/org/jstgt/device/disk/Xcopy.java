package org.jstgt.device.disk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitLease;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.NaaDesignators;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.StoreCalls;

/**
 * The unit's copy manager (SPC-4 §5.17, third-party copy): EXTENDED COPY(LID1) (83h/00h, SPC-4
 * §6.4) between disks of the asking command's target, found by the NAA designators of
 * identification CSCD descriptors through the {@link LunDirectory}, and RECEIVE COPY RESULTS
 * (84h, SPC-4 §6.18): OPERATING PARAMETERS, which reports the limits below (every one enforced),
 * and COPY STATUS and FAILED SEGMENT DETAILS of lists sent with LIST ID USAGE 00b
 * ({@link XcopyResults}).
 *
 * <p>Errors: those of the parameter list come before anything is read ({@link XcopyList});
 * a designator no active disk of the target has is COPY ABORTED, COPY TARGET DEVICE NOT REACHABLE
 * (0Dh/02h), a unit that is not a disk INCORRECT COPY TARGET DEVICE TYPE (0Dh/03h), a DISK BLOCK
 * LENGTH other than the unit's INVALID FIELD IN PARAMETER LIST at that field. Segments run one
 * after the other (SPC-4 §6.4.3.1); an error in segment {@code i} ends the command with its
 * COMMAND-SPECIFIC INFORMATION set to {@code i} (zero-based) and the segments before it done:
 * a CSCD descriptor ID naming no descriptor is COPY ABORTED 0Dh/02h, a range outside a unit COPY
 * ABORTED 00h/00h, a read-only destination DATA PROTECT, WRITE PROTECTED, a store's error COPY
 * ABORTED with the store's ASC/ASCQ.
 */
final class Xcopy implements CommandFamily {
    static final int EXTENDED_COPY = 0x83;
    static final int RECEIVE_COPY_RESULTS = 0x84;
    /** Service actions: EXTENDED COPY(LID1); RECEIVE COPY RESULTS OPERATING PARAMETERS (SPC-4 §6.18.1). */
    static final int LID1 = 0x00;
    static final int OPERATING_PARAMETERS = 0x03;

    /** MAXIMUM CSCD (target) DESCRIPTOR COUNT: a source and a destination, and room for more. */
    static final int MAX_TARGET_DESCRIPTORS = 4;
    /** MAXIMUM SEGMENT DESCRIPTOR COUNT. */
    static final int MAX_SEGMENT_DESCRIPTORS = 16;
    /** MAXIMUM DESCRIPTOR LIST LENGTH: the most descriptors of the implemented types. */
    static final int MAX_DESCRIPTOR_LIST_LENGTH = MAX_TARGET_DESCRIPTORS * XcopyList.TARGET_LENGTH
            + MAX_SEGMENT_DESCRIPTORS * XcopyList.SEGMENT_LENGTH;
    /** MAXIMUM SEGMENT LENGTH, in bytes. */
    static final long MAX_SEGMENT_LENGTH = 64L << 20;
    /** MAXIMUM INLINE DATA LENGTH: no inline or embedded data. */
    static final long MAX_INLINE_DATA_LENGTH = 0;
    /** TOTAL and MAXIMUM CONCURRENT COPIES: EXTENDED COPY commands of this unit moving data at once. */
    static final int MAX_CONCURRENT_COPIES = 8;

    /** SPC-4 Annex D. */
    private static final Sense NOT_REACHABLE = Sense.of(SenseKey.COPY_ABORTED, 0x0D, 0x02);
    private static final Sense INCORRECT_TYPE = Sense.of(SenseKey.COPY_ABORTED, 0x0D, 0x03);
    private static final Sense UNEXPECTED_INEXACT_SEGMENT = Sense.of(SenseKey.COPY_ABORTED, 0x26, 0x0A);
    private static final Sense SEGMENT_TOO_LONG = Sense.of(SenseKey.COPY_ABORTED, 0x26, 0x00);
    private static final Sense OUT_OF_RANGE = Sense.of(SenseKey.COPY_ABORTED, 0x00, 0x00);

    /** LIST ID USAGE 00b: the copy manager holds the list's results (SPC-4 §6.4.3). */
    private static final int HOLD = 0b00;

    private final DiskUnit disk;
    private final LunDirectory luns;
    private final XcopySlots slots = new XcopySlots(MAX_CONCURRENT_COPIES);
    private final XcopyResults results = new XcopyResults();

    /**
     * @param disk the unit whose copy manager this is
     * @param luns finds the copy targets
     */
    Xcopy(DiskUnit disk, LunDirectory luns) {
        this.disk = disk;
        this.luns = luns;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        // EXTENDED COPY(LID1) (SPC-4 §6.4.1): bytes 10-13 PARAMETER LIST LENGTH
        table.command(EXTENDED_COPY, LID1, "EXTENDED COPY(LID1)", 16).out()
                .usage(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, full, full, full, full, 0, 0)
                .handler(this::extendedCopy);
        // RECEIVE COPY RESULTS (SPC-4 §6.18.1): byte 2 LIST IDENTIFIER, bytes 10-13 ALLOCATION LENGTH;
        // it reports, so it goes through Write Exclusive reservations and not Exclusive Access ones,
        // as SPC-4 §5.13.1 has MODE SENSE and the other reporting commands do
        int[] usage = {0, 0, full, 0, 0, 0, 0, 0, 0, 0, full, full, full, full, 0, 0};
        table.command(RECEIVE_COPY_RESULTS, XcopyResults.COPY_STATUS, "RECEIVE COPY RESULTS(COPY STATUS)", 16)
                .in().reservation(ReservationClass.READ).usage(usage)
                .handler(t -> results.parse(t, XcopyResults.COPY_STATUS));
        table.command(RECEIVE_COPY_RESULTS, OPERATING_PARAMETERS, "RECEIVE COPY RESULTS(OPERATING PARAMETERS)", 16)
                .in().reservation(ReservationClass.READ).usage(usage)
                .handler(this::operatingParameters);
        table.command(RECEIVE_COPY_RESULTS, XcopyResults.FAILED_SEGMENT_DETAILS,
                "RECEIVE COPY RESULTS(FAILED SEGMENT DETAILS)", 16)
                .in().reservation(ReservationClass.READ).usage(usage)
                .handler(t -> results.parse(t, XcopyResults.FAILED_SEGMENT_DETAILS));
    }

    /** Forgets what the copy manager holds for a nexus that ended. */
    void nexusLost(String initiatorPort, String targetPort) {
        results.nexusLost(initiatorPort, targetPort);
    }

    /**
     * EXTENDED COPY(LID1) (SPC-4 §6.4.1): bytes 2-9 and 14 reserved; PARAMETER LIST LENGTH 0 copies
     * nothing; one shorter than the header or longer than the header plus MAXIMUM DESCRIPTOR LIST
     * LENGTH is a PARAMETER LIST LENGTH ERROR before any data is asked for.
     */
    private CommandDescriptor extendedCopy(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZeroBytes(cdb, 2, 9);
        CdbChecks.requireZeroBytes(cdb, 14, 14);
        long length = cdb.u32(10);
        if (length == 0) {
            return Commands.good();
        }
        if (length < XcopyList.HEADER
                || length > XcopyList.HEADER + MAX_DESCRIPTOR_LIST_LENGTH + MAX_INLINE_DATA_LENGTH) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR).inCdb(10, -1);
        }
        int n = (int) length;
        return Commands.dataOut(n, t -> copy(t, XcopyList.parse(t.dataOut(), n)));
    }

    /**
     * Waits for a copy slot ({@link XcopySlots}), leases the copy targets, runs the segments in
     * order, and gives the leases and the slot back however it ends; with LIST ID USAGE 00b,
     * records its progress and outcome for RECEIVE COPY RESULTS.
     */
    private CompletionStage<CommandResult> copy(ScsiTask task, XcopyList list) throws ScsiException {
        XcopyResults.Progress progress = list.listIdUsage() == HOLD ? results.begin(task, list.listId()) : null;
        return slots.acquire(task.executor()).thenCompose(turn -> {
            List<UnitLease> leases = new ArrayList<>();
            CompletionStage<Void> work;
            try {
                List<DiskUnit> units = resolve(task, list, leases);
                work = CompletableFuture.completedFuture(null);
                for (int i = 0; i < list.segments().size(); i++) {
                    int number = i;
                    work = work.thenCompose(v -> segment(task.executor(), list, units, number)).thenAccept(n -> {
                        if (progress != null) {
                            progress.segmentDone(n);
                        }
                    });
                }
            } catch (ScsiException | RuntimeException e) {
                work = CompletableFuture.failedFuture(e);
            }
            return work.whenComplete((v, e) -> {
                leases.forEach(UnitLease::close);
                slots.release();
            });
        }).whenComplete((v, e) -> {
            if (progress != null) {
                progress.ended(e == null ? null : senseOf(e));
            }
        }).thenApply(v -> CommandResult.good());
    }

    /** @return the sense a failure is reported with (anything but a {@link ScsiException} is a target failure) */
    private static Sense senseOf(Throwable e) {
        return StoreCalls.unwrap(e) instanceof ScsiException x ? x.sense()
                : SenseReason.INTERNAL_TARGET_FAILURE.sense();
    }

    /**
     * Finds the disk of every CSCD descriptor (SPC-4 §6.4.5.2), leasing each distinct unit once.
     *
     * @param leases receives every lease taken, also when this throws
     * @return the disks, by CSCD descriptor index
     */
    private List<DiskUnit> resolve(ScsiTask task, XcopyList list, List<UnitLease> leases) throws ScsiException {
        Map<Long, DiskUnit> byNaa = new HashMap<>();
        List<DiskUnit> units = new ArrayList<>();
        for (XcopyList.Target t : list.targets()) {
            DiskUnit unit = t.naa() == null ? null : byNaa.get(t.naa());
            if (unit == null) {
                Optional<UnitLease> lease = t.naa() == null ? Optional.empty() : luns.lease(task, t.naa());
                if (lease.isEmpty()) {
                    throw new ScsiException(NOT_REACHABLE, "no active unit of the target has designator at "
                            + t.offset());
                }
                leases.add(lease.get());
                if (t.extended() != null
                        && !Arrays.equals(t.extended(), NaaDesignators.registeredExtended(lease.get().spec()))) {
                    // the 60 bits match a unit, but the company identifier is not the one it reports
                    throw new ScsiException(NOT_REACHABLE, "no active unit of the target has the NAA 6h "
                            + "designator at " + t.offset());
                }
                if (!(lease.get().unit() instanceof DiskUnit d)) {
                    throw new ScsiException(INCORRECT_TYPE, "CSCD descriptor at " + t.offset() + " names LUN "
                            + lease.get().lun() + ", not a disk");
                }
                unit = d;
                byNaa.put(t.naa(), d);
            }
            if (t.blockLength() != unit.blockSize()) {
                throw new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST)
                        .inParameterList(t.blockLengthField(), -1);
            }
            units.add(unit);
        }
        return units;
    }

    /** Checks segment {@code number} against its units (SPC-4 §6.4.6.5) and copies it. */
    private static CompletionStage<Long> segment(Executor executor, XcopyList list, List<DiskUnit> units,
            int number) {
        XcopyList.Segment s = list.segments().get(number);
        if (s.source() >= units.size() || s.destination() >= units.size()) {
            return failed(NOT_REACHABLE, number);
        }
        DiskUnit src = units.get(s.source());
        DiskUnit dst = units.get(s.destination());
        // DC: NUMBER OF BLOCKS counts destination blocks, else source blocks
        long bytes = (long) s.blocks() * (s.dc() ? dst.blockSize() : src.blockSize());
        if (bytes % src.blockSize() != 0 || bytes % dst.blockSize() != 0) {
            return failed(UNEXPECTED_INEXACT_SEGMENT, number);
        }
        if (bytes > MAX_SEGMENT_LENGTH) {
            return failed(SEGMENT_TOO_LONG, number);
        }
        if (!inside(s.sourceLba(), bytes / src.blockSize(), src.capacity())
                || !inside(s.destinationLba(), bytes / dst.blockSize(), dst.capacity())) {
            return failed(OUT_OF_RANGE, number);
        }
        if (dst.readOnly()) {
            return failed(SenseReason.WRITE_PROTECTED.sense(), number);
        }
        return XcopyPump.copy(src, s.sourceLba(), dst, s.destinationLba(), bytes, executor)
                .thenApply(v -> bytes)
                .exceptionallyCompose(e -> {
                    Throwable c = StoreCalls.unwrap(e);
                    if (c instanceof ScsiException x) {
                        Sense store = x.sense();
                        return failed(Sense.of(SenseKey.COPY_ABORTED, store.asc(), store.ascq()), number);
                    }
                    return CompletableFuture.failedFuture(c);
                });
    }

    /** @return true when blocks {@code lba .. lba + blocks - 1} exist (all unsigned) */
    private static boolean inside(long lba, long blocks, long capacity) {
        return Long.compareUnsigned(lba, capacity) <= 0 && Long.compareUnsigned(blocks, capacity - lba) <= 0;
    }

    private static <T> CompletionStage<T> failed(Sense sense, int segment) {
        return CompletableFuture.failedFuture(new ScsiException(sense.withCommandSpecific(segment),
                "segment " + segment));
    }

    /**
     * RECEIVE COPY RESULTS OPERATING PARAMETERS (SPC-4 §6.18.4): byte 2 LIST IDENTIFIER (ignored),
     * bytes 10-13 ALLOCATION LENGTH (data cut there, SPC-4 §4.2.5.6).
     */
    private CommandDescriptor operatingParameters(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        checkReceiveCopyResults(cdb);
        return Commands.dataIn(CdbChecks.cap(cdb.u32(10)), t -> operatingParametersData());
    }

    /** The reserved fields of RECEIVE COPY RESULTS (SPC-4 §6.18.1): byte 1 bits 7-5, bytes 3-9 and 14. */
    static void checkReceiveCopyResults(Cdb cdb) throws ScsiException {
        CdbChecks.requireZero(cdb, 1, 0xE0);
        CdbChecks.requireZeroBytes(cdb, 3, 9);
        CdbChecks.requireZeroBytes(cdb, 14, 14);
    }

    /**
     * Parameter data (SPC-4 §6.18.4): byte 4 SNLID (bit 0: LIST ID USAGE 11b, no list identifier,
     * is supported); 8-9 MAXIMUM CSCD DESCRIPTOR COUNT; 10-11 MAXIMUM SEGMENT DESCRIPTOR COUNT; 12-15 MAXIMUM
     * DESCRIPTOR LIST LENGTH; 16-19 MAXIMUM SEGMENT LENGTH; 20-23 MAXIMUM INLINE DATA LENGTH;
     * 24-27 HELD DATA LIMIT; 28-31 MAXIMUM STREAM DEVICE TRANSFER SIZE; 34-35 TOTAL CONCURRENT
     * COPIES; 36 MAXIMUM CONCURRENT COPIES; 37 DATA SEGMENT GRANULARITY (log2 of the block
     * size); 38 INLINE and 39 HELD DATA GRANULARITY; 43 IMPLEMENTED DESCRIPTOR LIST LENGTH, then
     * the type codes.
     */
    byte[] operatingParametersData() {
        byte[] codes = {XcopyList.BLOCK_TO_BLOCK, (byte) XcopyList.IDENTIFICATION};
        byte[] d = new byte[44 + codes.length];
        Bytes.putU32(d, 0, d.length - 4L);
        d[4] = 0x01;
        Bytes.putU16(d, 8, MAX_TARGET_DESCRIPTORS);
        Bytes.putU16(d, 10, MAX_SEGMENT_DESCRIPTORS);
        Bytes.putU32(d, 12, MAX_DESCRIPTOR_LIST_LENGTH);
        Bytes.putU32(d, 16, MAX_SEGMENT_LENGTH);
        Bytes.putU32(d, 20, MAX_INLINE_DATA_LENGTH);
        Bytes.putU16(d, 34, MAX_CONCURRENT_COPIES);
        d[36] = (byte) MAX_CONCURRENT_COPIES;
        d[37] = (byte) Integer.numberOfTrailingZeros(disk.blockSize());
        d[43] = (byte) codes.length;
        System.arraycopy(codes, 0, d, 44, codes.length);
        return d;
    }
}
