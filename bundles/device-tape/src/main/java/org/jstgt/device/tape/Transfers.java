package org.jstgt.device.tape;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.device.tape.image.TapeFullException;
import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * READ(6), WRITE(6) and WRITE FILEMARKS(6) (SSC-3 commands, with the
 * position rules of its sequential-access model), in fixed-block mode (FIXED = 1: TRANSFER LENGTH counts blocks of the block
 * descriptor's BLOCK LENGTH) and variable-block mode (FIXED = 0: TRANSFER LENGTH is the byte count
 * of one block).
 *
 * <p>Reading stops, with CHECK CONDITION and the data read so far, at a filemark (NO SENSE,
 * FILEMARK DETECTED, FILEMARK bit, position after the filemark), at end of data (BLANK CHECK,
 * END-OF-DATA DETECTED, position at end of data, EOM when that lies past early warning), and at a
 * block of another length than asked (NO SENSE with ILI, position after that block, unless SILI
 * forgives it); INFORMATION is the residual: blocks not read (fixed) or bytes asked minus the
 * block's length (variable, negative for an overlength block).
 *
 * <p>Writing at a position before end of data first drops everything from the position on
 * (SSC-3); a WORM cartridge refuses that (DATA PROTECT, WORM MEDIUM - OVERWRITE
 * ATTEMPTED). A write that ends in the early-warning zone succeeds with NO SENSE, EOM,
 * END-OF-PARTITION/MEDIUM DETECTED and INFORMATION 0; one that does not fit in the capacity ends
 * with VOLUME OVERFLOW, EOM and the residual (blocks or bytes not written).
 */
final class Transfers implements CommandFamily {
    static final int READ_6 = 0x08;
    static final int WRITE_6 = 0x0A;
    static final int WRITE_FILEMARKS_6 = 0x10;
    /** The largest transfer of one command (READ BLOCK LIMITS reports it as the maximum block length). */
    static final int MAX_TRANSFER = 8 << 20;

    private final TapeUnit unit;

    Transfers(TapeUnit unit) {
        this.unit = unit;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(READ_6, "READ(6)", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x03, 0xFF, 0xFF, 0xFF, 0)
                .handler(this::read)
                .command(WRITE_6, "WRITE(6)", 6).out()
                .usage(0, 0x01, 0xFF, 0xFF, 0xFF, 0)
                .handler(this::write)
                .command(WRITE_FILEMARKS_6, "WRITE FILEMARKS(6)", 6)
                .usage(0, 0x01, 0xFF, 0xFF, 0xFF, 0)
                .handler(this::writeFilemarks);
    }

    /**
     * READ(6): byte 1 SILI (1), FIXED (0); bytes 2-4 TRANSFER LENGTH.
     *
     * @throws ScsiException INVALID FIELD IN CDB for reserved bits, SILI with FIXED (byte 1 bit 1),
     *     or a fixed-block transfer over {@link #MAX_TRANSFER} (byte 2)
     */
    private CommandDescriptor read(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFC);
        boolean sili = cdb.bit(1, 1);
        boolean fixed = cdb.bit(1, 0);
        int length = cdb.u24(2);
        if (sili && fixed) {
            throw ScsiException.invalidCdbField(1, 1);
        }
        int bytes = fixed ? fixedBytes(length, unit.blockLengthNow()) : length;
        if (length == 0) {
            return unit.command(DataDirection.NONE, 0, (t, d) -> {
                d.ready();
                return CommandResult.good();
            });
        }
        return unit.command(DataDirection.IN, bytes, (t, d) -> fixed ? readFixed(d, t, length) : readVariable(d, t,
                length, sili));
    }

    /** @return {@code blocks} blocks of {@code blockLength} in bytes, when within {@link #MAX_TRANSFER} */
    private static int fixedBytes(int blocks, int blockLength) throws ScsiException {
        long bytes = (long) blocks * Math.max(blockLength, 1);
        if (bytes > MAX_TRANSFER) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return (int) bytes;
    }

    /** FIXED = 1 needs fixed-block mode (SSC-3: else INVALID FIELD IN CDB at FIXED). */
    private static int fixedLength(Drive d) throws ScsiException {
        if (d.blockLength() == 0) {
            throw ScsiException.invalidCdbField(1, 0);
        }
        return d.blockLength();
    }

    private CommandResult readVariable(Drive d, ScsiTask task, int asked, boolean sili) throws ScsiException {
        TapeImage image = d.ready();
        long at = d.position();
        if (at == image.objects()) {
            throw new ScsiException(Drive.sense(TapeSense.END_OF_DATA, asked, false, d.pastEarlyWarning(at), false));
        }
        TapeImage.Kind kind = image.kind(at);
        if (kind != TapeImage.Kind.BLOCK) {
            d.position(at + 1);
            return CommandResult.checkCondition(markSense(kind, asked));
        }
        int actual = image.length(at);
        ByteBuffer into = task.dataIn(asked);
        int n = readBlock(image, at, into);
        d.position(at + 1);
        if (actual == asked || sili && (actual < asked || d.blockLength() == 0)) {
            return CommandResult.good(n);
        }
        return CommandResult.checkCondition(Drive.sense(TapeSense.NO_ADDITIONAL, (long) asked - actual, false, false,
                true), n);
    }

    private CommandResult readFixed(Drive d, ScsiTask task, int blocks) throws ScsiException {
        TapeImage image = d.ready();
        int length = fixedLength(d);
        ByteBuffer into = task.dataIn(fixedBytes(blocks, length));
        for (int i = 0; i < blocks; i++) {
            long at = d.position();
            int done = i * length;
            if (at == image.objects()) {
                return CommandResult.checkCondition(Drive.sense(TapeSense.END_OF_DATA, blocks - i, false,
                        d.pastEarlyWarning(at), false), done);
            }
            TapeImage.Kind kind = image.kind(at);
            d.position(at + 1);
            if (kind != TapeImage.Kind.BLOCK) {
                return CommandResult.checkCondition(markSense(kind, blocks - i), done);
            }
            if (image.length(at) != length) {
                return CommandResult.checkCondition(Drive.sense(TapeSense.NO_ADDITIONAL, blocks - i, false, false,
                        true), done);
            }
            into.position(done);
            readBlock(image, at, into);
        }
        return CommandResult.good(blocks * length);
    }

    private static org.jstgt.api.scsi.Sense markSense(TapeImage.Kind kind, long residual) {
        return Drive.sense(kind == TapeImage.Kind.SETMARK ? TapeSense.SETMARK_DETECTED : TapeSense.FILEMARK_DETECTED,
                residual, true, false, false);
    }

    private static int readBlock(TapeImage image, long id, ByteBuffer into) throws ScsiException {
        try {
            return image.read(id, into);
        } catch (IOException e) {
            throw new ScsiException(SenseReason.UNRECOVERED_READ_ERROR, "block " + id + ": " + e);
        }
    }

    /**
     * WRITE(6): byte 1 FIXED (0); bytes 2-4 TRANSFER LENGTH.
     *
     * @throws ScsiException INVALID FIELD IN CDB for reserved bits, a variable block longer than
     *     {@link #MAX_TRANSFER}, or a fixed-block transfer over it (byte 2)
     */
    private CommandDescriptor write(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        boolean fixed = cdb.bit(1, 0);
        int length = cdb.u24(2);
        if (!fixed && length > MAX_TRANSFER) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        if (length == 0) {
            return unit.command(DataDirection.NONE, 0, (t, d) -> {
                d.ready();
                return CommandResult.good();
            });
        }
        int bytes = fixed ? fixedBytes(length, unit.blockLengthNow()) : length;
        return unit.command(DataDirection.OUT, bytes, (t, d) -> {
            TapeImage image = d.ready();
            int blockLength = fixed ? fixedLength(d) : length;
            int count = fixed ? length : 1;
            ByteBuffer data = t.dataOut();
            if (data.remaining() < (long) blockLength * count) {
                throw new ScsiException(SenseReason.INVALID_FIELD_IN_CDB).inCdb(2, -1);
            }
            prepareWrite(d, image);
            ByteBuffer blocks = data.slice(data.position(), blockLength * count);
            int appended = append(d, image, () -> image.appendBlocks(blocks, blockLength, count), count);
            if (appended < count) {
                return overflow(fixed ? count - appended : length);
            }
            return afterWrite(d, image);
        });
    }

    /**
     * WRITE FILEMARKS(6): byte 1 WSMK (1), IMMED (0); bytes 2-4 NUMBER OF FILEMARKS. A count of 0
     * writes nothing and makes what was written durable (SSC-3: the buffer is flushed). Setmarks
     * are not offered (WSMK: INVALID FIELD IN CDB).
     */
    private CommandDescriptor writeFilemarks(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        if (cdb.bit(1, 1)) {
            throw ScsiException.invalidCdbField(1, 1);
        }
        CdbChecks.requireZero(cdb, 1, 0xFC);
        boolean immediate = cdb.bit(1, 0);
        int count = cdb.u24(2);
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            TapeImage image = d.ready();
            if (count == 0) {
                d.syncOrFail();
                return CommandResult.good();
            }
            prepareWrite(d, image);
            int appended = append(d, image, () -> image.appendMarks(TapeImage.Kind.FILEMARK, count), count);
            if (appended < count) {
                return overflow(count - appended);
            }
            if (!immediate) {
                d.syncOrFail();
            }
            return afterWrite(d, image);
        });
    }

    /**
     * Checks write protection and WORM, and drops what lies after the position (SSC-3:
     * a write in the middle of the data makes its end the new end of data).
     */
    static void prepareWrite(Drive d, TapeImage image) throws ScsiException, IOException {
        if (d.writeProtected()) {
            throw new ScsiException(SenseReason.WRITE_PROTECTED);
        }
        if (d.position() < image.objects()) {
            if (image.worm()) {
                throw new ScsiException(TapeSense.WORM_OVERWRITE);
            }
            image.truncate(d.position());
            d.changed();
        }
    }

    /** SSC-3 early warning: a write that ends past early warning reports it, and succeeded. */
    private static CommandResult afterWrite(Drive d, TapeImage image) {
        if (d.pastEarlyWarning(image.objects())) {
            return CommandResult.checkCondition(Drive.sense(TapeSense.EARLY_WARNING, 0, false, true, false));
        }
        return CommandResult.good();
    }

    /** SSC-3 end of partition: the capacity is reached; what fitted stays written. */
    private static CommandResult overflow(long residual) {
        return CommandResult.checkCondition(Drive.sense(TapeSense.VOLUME_OVERFLOW, residual, false, true, false));
    }

    /** Appends at end of data. */
    @FunctionalInterface
    interface Append {
        void run() throws IOException;
    }

    /**
     * Runs an append and leaves the position at the new end of data, whatever happened.
     *
     * @return how many of {@code count} objects were appended
     * @throws IOException when the image failed other than by reaching its capacity
     */
    static int append(Drive d, TapeImage image, Append append, int count) throws IOException {
        int appended = count;
        try {
            append.run();
        } catch (TapeFullException e) {
            appended = e.appended();
        } finally {
            d.position(image.objects());
        }
        d.changed();
        return appended;
    }
}
