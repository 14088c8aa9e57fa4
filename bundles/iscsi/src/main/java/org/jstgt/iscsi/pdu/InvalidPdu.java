package org.jstgt.iscsi.pdu;

/**
 * Input the decoder could frame but not accept, as a value (RFC 7143 §7.8, §11.17). When
 * {@code fatal} the connection cannot continue (framing is lost or unreliable); otherwise the
 * handler answers with a Reject PDU carrying {@code header} and the stream continues.
 *
 * @param reason Reject reason code ({@link RejectReason})
 * @param header the 48-byte BHS of the offending PDU (for the Reject data segment)
 * @param fatal true when the connection must be dropped
 * @param detail a description for the log
 */
public record InvalidPdu(int reason, byte[] header, boolean fatal, String detail) {

    /** @return the opcode of the offending PDU */
    public int opcode() {
        return Bhs.opcode(header);
    }

    /** @return the ITT of the offending PDU */
    public int itt() {
        return Bhs.itt(header);
    }
}
