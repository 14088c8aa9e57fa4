package org.jstgt.device.tape;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.device.tape.image.TapeImage;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * Moving the tape: SPACE(6), SPACE(16), LOCATE(10), LOCATE(16) and REWIND (SSC-3), all answered
 * from the image's index without reading the medium, and each making written data durable first
 * (a drive writes its buffer before it moves the tape).
 *
 * <p>SPACE over blocks stops at a filemark with NO SENSE, FILEMARK DETECTED and the FILEMARK bit:
 * on its far side going forward, on its near side (at the filemark) going backward. Going forward
 * past the last object stops at end of data with BLANK CHECK, END-OF-DATA DETECTED; going backward
 * past the first stops at beginning of partition with NO SENSE, EOM, BEGINNING-OF-PARTITION/MEDIUM
 * DETECTED. INFORMATION is then the absolute value of the count not spaced (Linux st reads it so).
 * SPACE over filemarks ends after the last filemark passed going forward, at it going backward.
 * LOCATE beyond end of data ends at end of data with BLANK CHECK, END-OF-DATA DETECTED.
 */
final class Positioning implements CommandFamily {
    static final int REWIND = 0x01;
    static final int SPACE_6 = 0x11;
    static final int LOCATE_10 = 0x2B;
    static final int SPACE_16 = 0x91;
    static final int LOCATE_16 = 0x92;

    /** SPACE CODE values (SSC-3, SPACE(6) table). */
    static final int BLOCKS = 0;
    static final int FILEMARKS = 1;
    static final int END_OF_DATA = 3;

    /** LOCATE(16) DEST_TYPE values. */
    static final int DEST_OBJECT = 0b000;
    static final int DEST_FILE = 0b001;
    static final int DEST_EOD = 0b011;

    private final TapeUnit unit;

    Positioning(TapeUnit unit) {
        this.unit = unit;
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        table.command(REWIND, "REWIND", 6)
                .usage(0, 0x01, 0, 0, 0, 0)
                .handler(this::rewind)
                .command(SPACE_6, "SPACE(6)", 6)
                .usage(0, 0x0F, 0xFF, 0xFF, 0xFF, 0)
                .handler(this::space6)
                .command(LOCATE_10, "LOCATE(10)", 10)
                .usage(0, 0x07, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0)
                .handler(this::locate10)
                .command(SPACE_16, "SPACE(16)", 16)
                .usage(0, 0x0F, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0)
                .handler(this::space16)
                .command(LOCATE_16, "LOCATE(16)", 16)
                .usage(0, 0x3B, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0)
                .handler(this::locate16);
    }

    /** REWIND: byte 1 IMMED (0); bytes 2-4 reserved. Always completes after the rewind. */
    private CommandDescriptor rewind(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 2, 4);
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            d.ready();
            d.syncOrFail();
            d.position(0);
            return CommandResult.good();
        });
    }

    /** SPACE(6): byte 1 CODE (3-0); bytes 2-4 COUNT, two's complement. */
    private CommandDescriptor space6(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xF0);
        int count = (cdb.u24(2) << 8) >> 8;
        return space(cdb.u8(1) & 0x0F, count);
    }

    /**
     * SPACE(16): byte 1 CODE (3-0); bytes 4-11 COUNT; bytes 12-13 PARAMETER LENGTH, which must be 0
     * (no parameter data is taken).
     */
    private CommandDescriptor space16(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xF0);
        CdbChecks.requireZeroBytes(cdb, 2, 3);
        CdbChecks.requireZeroBytes(cdb, 12, 14);
        return space(cdb.u8(1) & 0x0F, cdb.u64(4));
    }

    private CommandDescriptor space(int code, long count) throws ScsiException {
        if (code != BLOCKS && code != FILEMARKS && code != END_OF_DATA) {
            // 2h sequential filemarks and 4h setmarks are not offered
            throw ScsiException.invalidCdbField(1, 3);
        }
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            TapeImage image = d.ready();
            d.syncOrFail();
            Sense stop = switch (code) {
                case BLOCKS -> count >= 0 ? blocksForward(d, image, count) : blocksBackward(d, image, -count);
                case FILEMARKS -> count >= 0 ? filemarksForward(d, image, count) : filemarksBackward(d, image, -count);
                default -> {
                    d.position(image.objects());
                    yield null;
                }
            };
            return stop == null ? CommandResult.good() : CommandResult.checkCondition(stop);
        });
    }

    /** @return the identifier of the first mark (of either kind) at or after {@code from}, or end of data */
    static long nextMark(TapeImage image, long from) {
        long next = image.objects();
        for (TapeImage.Kind k : new TapeImage.Kind[] {TapeImage.Kind.FILEMARK, TapeImage.Kind.SETMARK}) {
            long m = image.markAt(k, image.marksBefore(k, from));
            if (m >= 0 && m < next) {
                next = m;
            }
        }
        return next;
    }

    /** @return the identifier of the last mark (of either kind) before {@code before}, or -1 */
    static long previousMark(TapeImage image, long before) {
        long previous = -1;
        for (TapeImage.Kind k : new TapeImage.Kind[] {TapeImage.Kind.FILEMARK, TapeImage.Kind.SETMARK}) {
            long n = image.marksBefore(k, before);
            if (n > 0) {
                previous = Math.max(previous, image.markAt(k, n - 1));
            }
        }
        return previous;
    }

    private static Sense blocksForward(Drive d, TapeImage image, long count) {
        long at = d.position();
        long mark = nextMark(image, at);
        long available = mark - at;
        if (count <= available) {
            d.position(at + count);
            return null;
        }
        long residual = count - available;
        if (mark == image.objects()) {
            d.position(mark);
            return Drive.sense(TapeSense.END_OF_DATA, residual, false, d.pastEarlyWarning(mark), false);
        }
        d.position(mark + 1);
        return markSense(image, mark, residual);
    }

    private static Sense blocksBackward(Drive d, TapeImage image, long count) {
        long at = d.position();
        long mark = previousMark(image, at);
        long available = at - (mark + 1);
        if (count <= available) {
            d.position(at - count);
            return null;
        }
        long residual = count - available;
        if (mark < 0) {
            d.position(0);
            return Drive.sense(TapeSense.BEGINNING_OF_PARTITION, residual, false, true, false);
        }
        d.position(mark);
        return markSense(image, mark, residual);
    }

    private static Sense markSense(TapeImage image, long mark, long residual) {
        return Drive.sense(image.kind(mark) == TapeImage.Kind.SETMARK ? TapeSense.SETMARK_DETECTED
                : TapeSense.FILEMARK_DETECTED, residual, true, false, false);
    }

    private static Sense filemarksForward(Drive d, TapeImage image, long count) {
        if (count == 0) {
            return null;
        }
        long before = image.marksBefore(TapeImage.Kind.FILEMARK, d.position());
        long total = image.marksBefore(TapeImage.Kind.FILEMARK, image.objects());
        if (count <= total - before) {
            d.position(image.markAt(TapeImage.Kind.FILEMARK, before + count - 1) + 1);
            return null;
        }
        d.position(image.objects());
        return Drive.sense(TapeSense.END_OF_DATA, count - (total - before), false,
                d.pastEarlyWarning(image.objects()), false);
    }

    private static Sense filemarksBackward(Drive d, TapeImage image, long count) {
        long before = image.marksBefore(TapeImage.Kind.FILEMARK, d.position());
        if (count <= before) {
            d.position(image.markAt(TapeImage.Kind.FILEMARK, before - count));
            return null;
        }
        d.position(0);
        return Drive.sense(TapeSense.BEGINNING_OF_PARTITION, count - before, false, true, false);
    }

    /**
     * LOCATE(10): byte 1 BT (2), CP (1), IMMED (0); bytes 3-6 LOGICAL OBJECT IDENTIFIER; byte 8
     * PARTITION. Device-specific block addresses (BT = 1, as Linux st sends) are the logical object
     * identifiers. The cartridge has one partition: CP = 1 with a PARTITION other than 0 is an
     * INVALID FIELD IN CDB.
     */
    private CommandDescriptor locate10(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xF8);
        CdbChecks.requireZeroBytes(cdb, 2, 2);
        CdbChecks.requireZeroBytes(cdb, 7, 7);
        checkPartition(cdb, 8);
        long target = cdb.u32(3);
        return unit.command(DataDirection.NONE, 0, (t, d) -> locate(d, target));
    }

    /**
     * LOCATE(16): byte 1 DEST_TYPE (5-3), CP (1), IMMED (0); byte 2 BAM (0); byte 3 PARTITION;
     * bytes 4-11 LOGICAL IDENTIFIER. DEST_TYPE 000b a logical object identifier, 001b a logical file
     * identifier (the position after that many filemarks), 011b end of data.
     */
    private CommandDescriptor locate16(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xC4);
        CdbChecks.requireZero(cdb, 2, 0xFE);
        CdbChecks.requireZeroBytes(cdb, 12, 14);
        checkPartition(cdb, 3);
        int destination = (cdb.u8(1) >>> 3) & 0x07;
        long identifier = cdb.u64(4);
        if (destination != DEST_OBJECT && destination != DEST_FILE && destination != DEST_EOD) {
            throw ScsiException.invalidCdbField(1, 5);
        }
        return unit.command(DataDirection.NONE, 0, (t, d) -> {
            TapeImage image = d.ready();
            return switch (destination) {
                case DEST_EOD -> {
                    d.syncOrFail();
                    d.position(image.objects());
                    yield CommandResult.good();
                }
                case DEST_FILE -> {
                    if (identifier == 0) {
                        yield locate(d, 0);
                    }
                    long mark = identifier < 0 ? -1 : image.markAt(TapeImage.Kind.FILEMARK, identifier - 1);
                    yield locate(d, mark < 0 ? -1 : mark + 1);
                }
                default -> locate(d, identifier);
            };
        });
    }

    private static void checkPartition(Cdb cdb, int partitionByte) throws ScsiException {
        if (cdb.bit(1, 1) && cdb.u8(partitionByte) != 0) {
            throw ScsiException.invalidCdbField(partitionByte, -1);
        }
    }

    /** Goes to {@code target} (unsigned; -1 and anything past end of data end at end of data). */
    private static CommandResult locate(Drive d, long target) throws ScsiException {
        TapeImage image = d.ready();
        d.syncOrFail();
        if (Long.compareUnsigned(target, image.objects()) > 0) {
            d.position(image.objects());
            return CommandResult.checkCondition(TapeSense.END_OF_DATA.withStreamBits(false,
                    d.pastEarlyWarning(image.objects()), false));
        }
        d.position(target);
        return CommandResult.good();
    }
}
