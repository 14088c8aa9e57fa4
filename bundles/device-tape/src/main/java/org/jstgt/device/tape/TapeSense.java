package org.jstgt.device.tape;

import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;

/**
 * The sequential-access sense codes of SSC-3 (additional sense codes of SPC-4 Annex D that tape
 * devices report), with the stream bits (FILEMARK, EOM, ILI, SPC-4 §4.5.2.5) and INFORMATION
 * (a residual) set by the caller.
 */
final class TapeSense {
    /** NO SENSE, NO ADDITIONAL SENSE INFORMATION (00h/00h): with ILI, an incorrect-length block. */
    static final Sense NO_ADDITIONAL = Sense.of(SenseKey.NO_SENSE, 0x00, 0x00);
    /** NO SENSE, FILEMARK DETECTED (00h/01h). */
    static final Sense FILEMARK_DETECTED = Sense.of(SenseKey.NO_SENSE, 0x00, 0x01);
    /** NO SENSE, END-OF-PARTITION/MEDIUM DETECTED (00h/02h): a write in the early-warning zone. */
    static final Sense EARLY_WARNING = Sense.of(SenseKey.NO_SENSE, 0x00, 0x02);
    /** VOLUME OVERFLOW, END-OF-PARTITION/MEDIUM DETECTED (0Dh, 00h/02h): the capacity is reached. */
    static final Sense VOLUME_OVERFLOW = Sense.of(SenseKey.VOLUME_OVERFLOW, 0x00, 0x02);
    /** NO SENSE, SETMARK DETECTED (00h/03h). */
    static final Sense SETMARK_DETECTED = Sense.of(SenseKey.NO_SENSE, 0x00, 0x03);
    /** NO SENSE, BEGINNING-OF-PARTITION/MEDIUM DETECTED (00h/04h). */
    static final Sense BEGINNING_OF_PARTITION = Sense.of(SenseKey.NO_SENSE, 0x00, 0x04);
    /** BLANK CHECK, END-OF-DATA DETECTED (08h, 00h/05h). */
    static final Sense END_OF_DATA = Sense.of(SenseKey.BLANK_CHECK, 0x00, 0x05);
    /** DATA PROTECT, WORM MEDIUM - OVERWRITE ATTEMPTED (07h, 30h/0Ch). */
    static final Sense WORM_OVERWRITE = Sense.of(SenseKey.DATA_PROTECT, 0x30, 0x0C);

    private TapeSense() {
    }
}
