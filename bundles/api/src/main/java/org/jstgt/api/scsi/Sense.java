package org.jstgt.api.scsi;

import java.util.Objects;

/**
 * Sense data as a value (SPC-4 §4.5): sense key, additional sense code and qualifier, and the
 * optional fields a device may set. Open: a device bundle names its own codes with
 * {@link #of(SenseKey, int, int)}; common ones are in {@link SenseReason}. Immutable; every
 * {@code with...} returns a new value. {@link SenseData} lays it out in fixed or descriptor format.
 */
public final class Sense {
    /** No sense key specific field. */
    private static final int NO_SKS = -1;

    private final SenseKey key;
    private final int asc;
    private final int ascq;
    private final Long information;
    private final Long commandSpecific;
    /** FILEMARK (bit 2), EOM (bit 1), ILI (bit 0), as in the stream commands descriptor. */
    private final int streamBits;
    /** The 3 bytes of SENSE KEY SPECIFIC with SKSV set (SPC-4 §4.5.2.4), or {@link #NO_SKS}. */
    private final int senseKeySpecific;
    /** A deferred error (SPC-4 §4.5.5) rather than a current one. */
    private final boolean deferred;

    private Sense(SenseKey key, int asc, int ascq, Long information, Long commandSpecific, int streamBits,
            int senseKeySpecific, boolean deferred) {
        this.key = key;
        this.asc = asc;
        this.ascq = ascq;
        this.information = information;
        this.commandSpecific = commandSpecific;
        this.streamBits = streamBits;
        this.senseKeySpecific = senseKeySpecific;
        this.deferred = deferred;
    }

    /**
     * @param key the sense key
     * @param asc ADDITIONAL SENSE CODE, 0..255
     * @param ascq ADDITIONAL SENSE CODE QUALIFIER, 0..255
     * @return the sense with no optional field set
     */
    public static Sense of(SenseKey key, int asc, int ascq) {
        Objects.requireNonNull(key, "key");
        if (asc < 0 || asc > 0xFF || ascq < 0 || ascq > 0xFF) {
            throw new IllegalArgumentException("ASC/ASCQ must be 0..255, got " + asc + "/" + ascq);
        }
        return new Sense(key, asc, ascq, null, null, 0, NO_SKS, false);
    }

    /** @return the sense key */
    public SenseKey key() {
        return key;
    }

    /** @return the ADDITIONAL SENSE CODE */
    public int asc() {
        return asc;
    }

    /** @return the ADDITIONAL SENSE CODE QUALIFIER */
    public int ascq() {
        return ascq;
    }

    /** @return the INFORMATION field (an LBA, a residual), or null */
    public Long information() {
        return information;
    }

    /** @return the COMMAND-SPECIFIC INFORMATION field, or null */
    public Long commandSpecific() {
        return commandSpecific;
    }

    /** @return FILEMARK (SSC: a filemark was read or passed) */
    public boolean filemark() {
        return (streamBits & 4) != 0;
    }

    /** @return EOM (SSC: end-of-medium or beginning-of-partition reached) */
    public boolean eom() {
        return (streamBits & 2) != 0;
    }

    /** @return ILI (SSC: the block length did not match the requested length) */
    public boolean ili() {
        return (streamBits & 1) != 0;
    }

    /**
     * @return the 3-byte SENSE KEY SPECIFIC field with SKSV (bit 23) set, or -1 when none
     *     (SPC-4 §4.5.2.4: field pointer, progress indication, ...)
     */
    public int senseKeySpecific() {
        return senseKeySpecific;
    }

    /**
     * @return true for a deferred error (SPC-4 §4.5.5): the failure of an earlier command that
     *     already ended (a SYNCHRONIZE CACHE with IMMED returned GOOD before its flush failed),
     *     reported on a later command, which was not processed; response code 71h or 73h
     */
    public boolean deferred() {
        return deferred;
    }

    /** @return this sense as a deferred error (see {@link #deferred()}) */
    public Sense asDeferred() {
        return new Sense(key, asc, ascq, information, commandSpecific, streamBits, senseKeySpecific, true);
    }

    /**
     * @param info the INFORMATION field: the first LBA in error, a tape residual (may be negative:
     *     SSC-3 §4.2.19 reports an overlength block as a negative residual), ...
     * @return the sense with INFORMATION set
     */
    public Sense withInformation(long info) {
        return new Sense(key, asc, ascq, info, commandSpecific, streamBits, senseKeySpecific, deferred);
    }

    /**
     * @param csi the COMMAND-SPECIFIC INFORMATION field
     * @return the sense with it set
     */
    public Sense withCommandSpecific(long csi) {
        return new Sense(key, asc, ascq, information, csi, streamBits, senseKeySpecific, deferred);
    }

    /**
     * @param filemark FILEMARK bit
     * @param eom EOM bit
     * @param ili ILI bit
     * @return the sense with the stream bits set (SPC-4 §4.5.2.5, SSC-3)
     */
    public Sense withStreamBits(boolean filemark, boolean eom, boolean ili) {
        int bits = (filemark ? 4 : 0) | (eom ? 2 : 0) | (ili ? 1 : 0);
        return new Sense(key, asc, ascq, information, commandSpecific, bits, senseKeySpecific, deferred);
    }

    /**
     * Field pointer (SPC-4 §4.5.2.4.2): byte 0 SKSV (7), C/D (6), BPV (3), BIT POINTER (2-0);
     * bytes 1-2 FIELD POINTER.
     *
     * @param inCdb true for a CDB field (C/D = 1), false for the parameter list
     * @param byteIndex the byte, 0..65535
     * @param bit the bit 0-7, or -1 when the whole byte is meant
     * @return the sense with the field pointer set
     */
    public Sense withFieldPointer(boolean inCdb, int byteIndex, int bit) {
        if (byteIndex < 0 || byteIndex > 0xFFFF || bit < -1 || bit > 7) {
            throw new IllegalArgumentException("field pointer byte " + byteIndex + " bit " + bit);
        }
        int b0 = 0x80 | (inCdb ? 0x40 : 0) | (bit >= 0 ? 0x08 | bit : 0);
        return new Sense(key, asc, ascq, information, commandSpecific, streamBits, (b0 << 16) | byteIndex, deferred);
    }

    /**
     * Progress indication (SPC-4 §4.5.2.4.3), for NOT READY "in progress" conditions.
     *
     * @param progress 0..65535, fraction of 65536 complete
     * @return the sense with the progress set
     */
    public Sense withProgress(int progress) {
        if (progress < 0 || progress > 0xFFFF) {
            throw new IllegalArgumentException("progress must be 0..65535, got " + progress);
        }
        return new Sense(key, asc, ascq, information, commandSpecific, streamBits, (0x80 << 16) | progress, deferred);
    }

    /**
     * @param reason a catalogued reason
     * @return true when key, ASC and ASCQ are the reason's
     */
    public boolean is(SenseReason reason) {
        return key == reason.key() && asc == reason.asc() && ascq == reason.ascq();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sense s && key == s.key && asc == s.asc && ascq == s.ascq
                && Objects.equals(information, s.information) && Objects.equals(commandSpecific, s.commandSpecific)
                && streamBits == s.streamBits && senseKeySpecific == s.senseKeySpecific && deferred == s.deferred;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, asc, ascq, information, commandSpecific, streamBits, senseKeySpecific, deferred);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(key.name()).append(String.format(" %02Xh/%02Xh", asc, ascq));
        if (information != null) {
            sb.append(" info=").append(information);
        }
        if (commandSpecific != null) {
            sb.append(" csi=").append(commandSpecific);
        }
        if (streamBits != 0) {
            sb.append(filemark() ? " FILEMARK" : "").append(eom() ? " EOM" : "").append(ili() ? " ILI" : "");
        }
        if (senseKeySpecific != NO_SKS) {
            sb.append(String.format(" sks=%06X", senseKeySpecific));
        }
        if (deferred) {
            sb.append(" (deferred)");
        }
        return sb.toString();
    }
}
