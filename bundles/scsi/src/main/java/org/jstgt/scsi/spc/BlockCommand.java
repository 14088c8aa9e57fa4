package org.jstgt.scsi.spc;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;

/**
 * A parsed command that addresses blocks, carrying its CDB's fields as decoded once through a
 * {@link CdbLayout} at parse time: the device's descriptor extends it, so the fields travel to
 * execution inside the one object the parse returns, and nothing reads the CDB again.
 *
 * <p>Byte 1 flags keep their bit positions; the accessors name them by family (SBC-4 READ, WRITE,
 * VERIFY, WRITE AND VERIFY, SYNCHRONIZE CACHE, PRE-FETCH; MMC-6 READ(10)/(12); SSC-4 READ(6)/WRITE(6)).
 * Which of them a command has, and which values it accepts, is the device's to check.
 */
public abstract class BlockCommand implements CommandDescriptor {
    private final CdbLayout layout;
    private final long lba;
    private final long count;
    private final int flags;
    private final int group;

    /**
     * Decodes the addressing fields of {@code cdb}.
     *
     * @param layout the CDB's form
     * @param cdb the CDB
     */
    protected BlockCommand(CdbLayout layout, Cdb cdb) {
        this.layout = layout;
        this.lba = layout.lba(cdb);
        this.count = layout.transferLength(cdb);
        this.flags = layout.flags(cdb);
        this.group = layout.group(cdb);
    }

    /** @return the CDB's form */
    public final CdbLayout layout() {
        return layout;
    }

    /** @return LOGICAL BLOCK ADDRESS (unsigned), or -1 when the form has none */
    @Override
    public final long lba() {
        return layout.hasLba() ? lba : -1;
    }

    /** @return the blocks addressed ({@link #count()} when the form has an LBA, else 0) */
    @Override
    public final long blocks() {
        return layout.hasLba() ? count : 0;
    }

    /**
     * @return TRANSFER LENGTH (VERIFICATION LENGTH, NUMBER OF LOGICAL BLOCKS, PREFETCH LENGTH) as
     *     the command means it: SBC READ(6)/WRITE(6)'s 0 is 256 (SBC-4 §5.15); 0 elsewhere is 0
     *     (SYNCHRONIZE CACHE and PRE-FETCH: to the last LBA; SSC: nothing to transfer)
     */
    public final long count() {
        return count;
    }

    /** @return the flag bits of byte 1 the form has (see the accessors) */
    public final int flags() {
        return flags;
    }

    /** @return RDPROTECT, WRPROTECT or VRPROTECT (SBC-4: byte 1 bits 7-5) */
    public final int protect() {
        return flags >>> 5;
    }

    /** @return DPO, disable page out (SBC-4, MMC-6: byte 1 bit 4) */
    public final boolean dpo() {
        return (flags & 0x10) != 0;
    }

    /** @return FUA, force unit access (SBC-4 READ and WRITE, MMC-6 READ: byte 1 bit 3) */
    public final boolean fua() {
        return (flags & 0x08) != 0;
    }

    /** @return BYTCHK (SBC-4 VERIFY and WRITE AND VERIFY: byte 1 bits 2-1) */
    public final int bytchk() {
        return (flags >>> 1) & 3;
    }

    /** @return IMMED (SBC-4 SYNCHRONIZE CACHE and PRE-FETCH: byte 1 bit 1) */
    public final boolean immed() {
        return (flags & 0x02) != 0;
    }

    /** @return SILI, suppress incorrect length indicator (SSC-4 READ(6): byte 1 bit 1) */
    public final boolean sili() {
        return (flags & 0x02) != 0;
    }

    /** @return FIXED: TRANSFER LENGTH counts fixed-size blocks, not bytes (SSC-4 READ(6)/WRITE(6): byte 1 bit 0) */
    public final boolean fixed() {
        return (flags & 0x01) != 0;
    }

    /** @return GROUP NUMBER (SBC-4: bits 5-0 of byte 6, 10 or 14), 0 when the form has none */
    public final int group() {
        return group;
    }

    /**
     * Checks that the blocks addressed exist (SBC-4 §4.5).
     *
     * @param capacity number of logical blocks of the medium
     * @throws ScsiException LBA OUT OF RANGE with INFORMATION the LBA
     */
    public final void checkRange(long capacity) throws ScsiException {
        CdbChecks.checkRange(lba, count, capacity);
    }

    /**
     * Checks the transfer against the device's limit (SBC-4 §6.6.4: above MAXIMUM TRANSFER LENGTH
     * it is an invalid TRANSFER LENGTH).
     *
     * @param max the most the command may transfer, in the units of {@link #count()}
     * @throws ScsiException INVALID FIELD IN CDB pointing at TRANSFER LENGTH
     */
    public final void checkTransferLength(long max) throws ScsiException {
        if (Long.compareUnsigned(count, max) > 0) {
            throw ScsiException.invalidCdbField(layout.transferLengthByte(), -1);
        }
    }
}
