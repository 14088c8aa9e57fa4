package org.jstgt.scsi.spc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/**
 * CDB field checks that answer with the right sense and field pointer (SPC-4 §4.5.2.4.2: the
 * pointer names the byte and, for a multi-bit field, its most significant bit).
 */
public final class CdbChecks {
    /** CONTROL byte NACA bit (SAM-5 §5.2, table 12). */
    private static final int NACA = 0x04;
    /** CONTROL byte LINK bit (obsolete since SAM-4, table 12). */
    private static final int LINK = 0x01;

    private CdbChecks() {
    }

    /**
     * Checks the CONTROL byte, the last byte of a CDB of {@code cdbLength} bytes (iSCSI pads short
     * CDBs to 16 bytes, so {@link Cdb#control()} is not it). NACA = 1 asks for ACA, which jstgt does
     * not offer (SAM-5 §5.9.1: then INVALID FIELD IN CDB); linked commands are obsolete.
     *
     * @param cdb the CDB
     * @param cdbLength the command's CDB length (6, 10, 12, 16)
     * @throws ScsiException INVALID FIELD IN CDB at byte {@code cdbLength - 1}, bit 2 (NACA) or bit 0 (LINK)
     */
    public static void checkControl(Cdb cdb, int cdbLength) throws ScsiException {
        int control = cdb.u8(cdbLength - 1);
        if ((control & NACA) != 0) {
            throw ScsiException.invalidCdbField(cdbLength - 1, 2);
        }
        if ((control & LINK) != 0) {
            throw ScsiException.invalidCdbField(cdbLength - 1, 0);
        }
    }

    /**
     * Requires the bits of {@code mask} in byte {@code byteIndex} to be zero (reserved bits, or
     * options jstgt does not support).
     *
     * @throws ScsiException INVALID FIELD IN CDB pointing at the highest offending bit
     */
    public static void requireZero(Cdb cdb, int byteIndex, int mask) throws ScsiException {
        int bad = cdb.u8(byteIndex) & mask;
        if (bad != 0) {
            throw ScsiException.invalidCdbField(byteIndex, 31 - Integer.numberOfLeadingZeros(bad));
        }
    }

    /**
     * Requires whole bytes {@code from} to {@code to} (inclusive) to be zero.
     *
     * @throws ScsiException INVALID FIELD IN CDB at the first non-zero byte
     */
    public static void requireZeroBytes(Cdb cdb, int from, int to) throws ScsiException {
        for (int i = from; i <= to; i++) {
            if (cdb.u8(i) != 0) {
                throw ScsiException.invalidCdbField(i, -1);
            }
        }
    }

    /**
     * Checks that blocks {@code lba .. lba + blocks - 1} exist (SBC-4 §4.5: LBA OUT OF RANGE when any
     * does not). {@code lba} is read as unsigned 64-bit, so the LBA fields of 16-byte CDBs near
     * 2^64 do not wrap.
     *
     * @param lba first LBA (unsigned)
     * @param blocks number of blocks (unsigned; 0 checks only that {@code lba <= capacity})
     * @param capacity number of blocks of the medium
     * @throws ScsiException LBA OUT OF RANGE (21h/00h) with INFORMATION = {@code lba}
     */
    public static void checkRange(long lba, long blocks, long capacity) throws ScsiException {
        if (Long.compareUnsigned(lba, capacity) > 0 || Long.compareUnsigned(blocks, capacity - lba) > 0) {
            throw new ScsiException(SenseReason.LBA_OUT_OF_RANGE).withInformation(lba);
        }
    }

    /**
     * Copies parameter data to the task, cut at the allocation length (SPC-4 §4.2.5.6: a short
     * allocation length truncates the data and is not an error).
     *
     * @param task the task
     * @param data the complete parameter data
     * @param allocationLength the CDB's ALLOCATION LENGTH
     * @return the number of bytes placed in Data-In
     */
    public static int truncate(ScsiTask task, byte[] data, int allocationLength) {
        int n = Math.min(Math.max(allocationLength, 0), data.length);
        if (n > 0) {
            task.dataIn(n).put(0, data, 0, n);
        }
        return n;
    }

    /** @return {@link #truncate} as a completed stage */
    public static CompletionStage<CommandResult> respond(ScsiTask task, byte[] data, int allocationLength) {
        return CompletableFuture.completedFuture(CommandResult.good(truncate(task, data, allocationLength)));
    }

    /** @return an unsigned 32-bit allocation length capped to {@code Integer.MAX_VALUE} */
    public static int cap(long allocationLength) {
        return (int) Math.min(allocationLength, Integer.MAX_VALUE);
    }
}
