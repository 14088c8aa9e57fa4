package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * FORMAT UNIT (SBC-4 §5.4) as a no-op: the medium is a store with no defects, no protection
 * information and nothing to initialize, so a format that asks for none of those succeeds at once
 * and changes nothing (the blocks keep their data, which SBC-4 leaves to the device when no
 * initialization pattern is given).
 *
 * <p>CDB: byte 1 FMTPINFO (7-6, must be 00b: no protection information), LONGLIST (5), FMTDATA (4),
 * CMPLST (3), DEFECT LIST FORMAT (2-0; 111b is reserved); byte 2 vendor specific and byte 3
 * obsolete (ignored); byte 4 bits 1-0 FFMT (11b reserved), bits 7-2 obsolete (ignored). FMTDATA 0:
 * no parameter list, GOOD. FMTDATA 1: a parameter list header (SBC-4 §5.4.2.2), short (4 bytes) or
 * with LONGLIST long (8 bytes), checked when it arrives: PROTECTION FIELD USAGE (byte 0 bits 2-0,
 * bits 7-3 reserved) 0; with FOV (byte 1 bit 7) 0 the DPRY, DCRT, STPF and IP bits (6-3) must be 0;
 * IP 1 (an initialization pattern descriptor follows) is not supported; IMMED (1) is accepted (the
 * format is over at once anyway); DEFECT LIST LENGTH must be 0 (no defect lists); the long header's
 * byte 2 reserved and byte 3 (P_I_INFORMATION, PROTECTION INTERVAL EXPONENT) 0. The list's length
 * is the header's: the Data-Out phase carries nothing else.
 */
final class FormatUnit implements CommandFamily {
    private static final int OPCODE = 0x04;
    private static final int LONGLIST = 0x20;
    private static final int FMTDATA = 0x10;
    private static final int FOV = 0x80;

    private final DiskUnit disk;

    FormatUnit(DiskUnit disk) {
        this.disk = disk;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        // byte 1: every field but CMPLST, which means nothing without a defect list (SPC-4 §6.35.3: ignored bits are 0)
        table.command(OPCODE, "FORMAT UNIT", 6).out().usage(0, 0xF7, 0, 0, 0x03, 0).handler(this::parse);
    }

    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xC0);
        if ((cdb.u8(1) & 0x07) == 0x07) {
            throw ScsiException.invalidCdbField(1, 2);
        }
        if ((cdb.u8(4) & 0x03) == 0x03) {
            throw ScsiException.invalidCdbField(4, 1);
        }
        if (disk.readOnly()) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        int flags = cdb.u8(1);
        if ((flags & FMTDATA) == 0) {
            return Commands.good();
        }
        boolean longList = (flags & LONGLIST) != 0;
        int header = longList ? 8 : 4;
        return new OutCommand(header, -1, 0) {
            @Override
            CompletionStage<CommandResult> run(ScsiTask t) {
                try {
                    checkHeader(t.dataOut(), longList);
                } catch (ScsiException e) {
                    return CompletableFuture.failedFuture(e);
                }
                return CompletableFuture.completedFuture(CommandResult.good());
            }
        };
    }

    /** Checks the parameter list header; anything it asks for beyond a plain format is refused. */
    private static void checkHeader(ByteBuffer list, boolean longList) throws ScsiException {
        int base = list.position();
        if (list.remaining() < (longList ? 8 : 4)) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        int b0 = list.get(base) & 0xFF;
        int b1 = list.get(base + 1) & 0xFF;
        requireZero(b0, 0xFF, 0);
        if ((b1 & FOV) == 0) {
            requireZero(b1, 0x78, 1);
        }
        // IP: an initialization pattern descriptor follows
        requireZero(b1, 0x08, 1);
        if (longList) {
            requireZero(list.get(base + 2) & 0xFF, 0xFF, 2);
            requireZero(list.get(base + 3) & 0xFF, 0xFF, 3);
            if (list.getInt(base + 4) != 0) {
                throw new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(4, -1);
            }
        } else if (list.getShort(base + 2) != 0) {
            throw new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(2, -1);
        }
    }

    /** INVALID FIELD IN PARAMETER LIST at the highest bit of {@code value & mask} in byte {@code at}. */
    private static void requireZero(int value, int mask, int at) throws ScsiException {
        int bad = value & mask;
        if (bad != 0) {
            throw new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST)
                    .inParameterList(at, 31 - Integer.numberOfLeadingZeros(bad));
        }
    }
}
