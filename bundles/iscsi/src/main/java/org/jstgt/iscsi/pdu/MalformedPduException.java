package org.jstgt.iscsi.pdu;

/** A PDU whose fields cannot be decoded; carries the Reject reason (RFC 7143 §11.17.1). */
public final class MalformedPduException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int reason;

    public MalformedPduException(int reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** @return the Reject reason code */
    public int reason() {
        return reason;
    }
}
