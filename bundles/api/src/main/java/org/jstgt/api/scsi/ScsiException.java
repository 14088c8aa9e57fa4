package org.jstgt.api.scsi;

/**
 * A SCSI command failure as a value: the transport turns it into CHECK CONDITION with sense data.
 * No stack trace is captured (these are routine, not bugs).
 *
 * <p>Field pointer (SPC-4 §4.5.2.4.2, sense-key specific bytes): {@link #inCdb(int, int)} or
 * {@link #inParameterList(int, int)} name the byte and bit of the offending field.
 */
public final class ScsiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final SenseReason reason;
    private Long information;
    private int fieldByte = -1;
    private int fieldBit = -1;
    private boolean fieldInCdb;

    public ScsiException(SenseReason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public ScsiException(SenseReason reason, String detail) {
        super(reason.name() + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /**
     * @param info the INFORMATION field (e.g. the first bad LBA)
     * @return this
     */
    public ScsiException withInformation(long info) {
        this.information = info;
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
        this.fieldByte = byteIndex;
        this.fieldBit = bit;
        this.fieldInCdb = true;
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
        this.fieldByte = byteIndex;
        this.fieldBit = bit;
        this.fieldInCdb = false;
        return this;
    }

    /** @return the reason */
    public SenseReason reason() {
        return reason;
    }

    /** @return the INFORMATION field or null */
    public Long information() {
        return information;
    }

    /** @return field pointer byte or -1 */
    public int fieldByte() {
        return fieldByte;
    }

    /** @return field pointer bit or -1 */
    public int fieldBit() {
        return fieldBit;
    }

    /** @return true when the field pointer is in the CDB, false for the parameter list */
    public boolean fieldInCdb() {
        return fieldInCdb;
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
