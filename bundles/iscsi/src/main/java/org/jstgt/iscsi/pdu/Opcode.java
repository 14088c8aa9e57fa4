package org.jstgt.iscsi.pdu;

/** iSCSI opcodes (RFC 7143 §11.2.1.2): byte 0 bits 0-5 of the Basic Header Segment. */
public enum Opcode {
    NOP_OUT(0x00, true),
    SCSI_COMMAND(0x01, true),
    TASK_MGMT_REQUEST(0x02, true),
    LOGIN_REQUEST(0x03, true),
    TEXT_REQUEST(0x04, true),
    DATA_OUT(0x05, true),
    LOGOUT_REQUEST(0x06, true),
    SNACK_REQUEST(0x10, true),
    NOP_IN(0x20, false),
    SCSI_RESPONSE(0x21, false),
    TASK_MGMT_RESPONSE(0x22, false),
    LOGIN_RESPONSE(0x23, false),
    TEXT_RESPONSE(0x24, false),
    DATA_IN(0x25, false),
    LOGOUT_RESPONSE(0x26, false),
    R2T(0x31, false),
    ASYNC_MESSAGE(0x32, false),
    REJECT(0x3f, false);

    private static final Opcode[] BY_CODE = new Opcode[64];

    static {
        for (Opcode o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;
    private final boolean initiator;

    Opcode(int code, boolean initiator) {
        this.code = code;
        this.initiator = initiator;
    }

    /** @return the 6-bit opcode */
    public int code() {
        return code;
    }

    /** @return true for initiator opcodes (sent to the target) */
    public boolean fromInitiator() {
        return initiator;
    }

    /**
     * @param code the 6-bit opcode
     * @return the opcode or null when undefined (vendor specific opcodes included)
     */
    public static Opcode of(int code) {
        return code >= 0 && code < 64 ? BY_CODE[code] : null;
    }
}
