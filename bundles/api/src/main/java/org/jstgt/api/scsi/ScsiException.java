package org.jstgt.api.scsi;

/**
 * A SCSI command failure as a value: the core turns it into CHECK CONDITION with its {@link Sense}.
 * No stack trace is captured (these are routine, not bugs).
 *
 * <p>Field pointer (SPC-4 §4.5.2.4.2, sense-key specific bytes): {@link #inCdb(int, int)} or
 * {@link #inParameterList(int, int)} name the byte and bit of the offending field.
 */
public final class ScsiException extends Exception {
    private static final long serialVersionUID = 1L;

    private transient Sense sense;

    public ScsiException(SenseReason reason) {
        this(reason.sense());
    }

    public ScsiException(SenseReason reason, String detail) {
        this(reason.sense(), detail);
    }

    /** @param sense the sense to report */
    public ScsiException(Sense sense) {
        super(sense.toString(), null, false, false);
        this.sense = sense;
    }

    /**
     * @param sense the sense to report
     * @param detail for the log
     */
    public ScsiException(Sense sense, String detail) {
        super(sense + ": " + detail, null, false, false);
        this.sense = sense;
    }

    /**
     * @param info the INFORMATION field (e.g. the first bad LBA)
     * @return this
     */
    public ScsiException withInformation(long info) {
        this.sense = sense.withInformation(info);
        return this;
    }

    /**
     * Points at the CDB field that is wrong (C/D = 1).
     *
     * @param byteIndex byte offset in the CDB
     * @param bit bit number 0-7, or -1 when the whole byte is meant
     * @return this
     */
    public ScsiException inCdb(int byteIndex, int bit) {
        return fieldPointer(true, byteIndex, bit);
    }

    /** SPC-4 §4.5.2.4.2: a field pointer belongs to ILLEGAL REQUEST sense only; otherwise ignored. */
    private ScsiException fieldPointer(boolean inCdb, int byteIndex, int bit) {
        if (sense.key() == SenseKey.ILLEGAL_REQUEST) {
            this.sense = sense.withFieldPointer(inCdb, byteIndex, bit);
        }
        return this;
    }

    /**
     * Points at the parameter list field that is wrong (C/D = 0).
     *
     * @param byteIndex byte offset in the parameter list
     * @param bit bit number 0-7, or -1 when the whole byte is meant
     * @return this
     */
    public ScsiException inParameterList(int byteIndex, int bit) {
        return fieldPointer(false, byteIndex, bit);
    }

    /** @return the sense to report */
    public Sense sense() {
        return sense;
    }

    /**
     * Shorthand for INVALID FIELD IN CDB at a byte/bit.
     *
     * @param byteIndex the byte
     * @param bit the bit or -1
     * @return the exception
     */
    public static ScsiException invalidCdbField(int byteIndex, int bit) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_CDB).inCdb(byteIndex, bit);
    }
}
