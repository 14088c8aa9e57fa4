package org.jstgt.testkit;

import static org.jstgt.testkit.InitiatorConnection.u32;
import static org.jstgt.testkit.InitiatorConnection.unexpected;

import java.io.IOException;
import java.util.Arrays;

/**
 * One SCSI command of an {@link Initiator} (RFC 7143 §11.3-11.8): the SCSI Command PDU with
 * immediate data, unsolicited Data-Out up to FirstBurstLength, Data-Out for each R2T, Data-In
 * collected at its buffer offsets, and the status from the SCSI Response or from a final Data-In
 * with the S bit. Strict about order: DataSN, R2TSN, offsets and lengths are checked.
 */
final class ScsiCommandExchange {
    private ScsiCommandExchange() {
    }

    /** See {@link Initiator#scsi(int, byte[], byte[], int)}. */
    static ScsiReply run(InitiatorConnection c, int lun, byte[] cdb, byte[] dataOut, int expectedInLength)
            throws IOException {
        c.requireLoggedIn();
        if (c.discoverySession) {
            throw new IllegalStateException("SCSI commands need a normal session");
        }
        if (cdb.length == 0 || cdb.length > 16) {
            throw new IllegalArgumentException("CDB must be 1..16 bytes, was " + cdb.length);
        }
        byte[] outData = dataOut == null ? new byte[0] : dataOut;
        if (outData.length > 0 && expectedInLength > 0) {
            throw new IllegalArgumentException("bidirectional commands are not supported");
        }
        if (expectedInLength < 0) {
            throw new IllegalArgumentException("expectedInLength must be >= 0");
        }
        long deadline = c.deadline();
        Negotiated n = c.negotiated();
        int itt = c.nextItt();
        int maxSend = n.maxSendDataSegmentLength();
        int immediateLength = n.immediateData() ? Math.min(outData.length, Math.min(n.firstBurstLength(), maxSend)) : 0;
        int unsolicited = n.initialR2T() ? immediateLength : Math.min(outData.length, n.firstBurstLength());
        boolean moreUnsolicited = unsolicited > immediateLength;

        // RFC 7143 §11.3.1: byte 1 F, R, W, ATTR (1 = SIMPLE)
        int flags = (moreUnsolicited ? 0 : 0x80) | (expectedInLength > 0 ? 0x40 : 0) | (outData.length > 0 ? 0x20 : 0)
                | 1;
        c.awaitWindow(deadline);
        Pdu cmd = new Pdu(Pdu.SCSI_COMMAND).flags(flags).lun(lun).itt(itt)
                .int32(20, outData.length > 0 ? outData.length : expectedInLength).int32(24, c.session.takeCmdSN())
                .int32(28, c.expStatSN);
        for (int i = 0; i < cdb.length; i++) {
            cmd.u8(32 + i, cdb[i] & 0xff);
        }
        cmd.data(Arrays.copyOf(outData, immediateLength));
        c.send(cmd, false);
        if (moreUnsolicited) {
            sendDataOut(c, lun, itt, Pdu.RESERVED_TAG, outData, immediateLength, unsolicited - immediateLength,
                    maxSend);
        }
        c.flush();

        byte[] in = new byte[expectedInLength];
        int inHigh = 0;
        int expectedDataSN = 0;
        int expectedR2TSN = 0;
        int solicited = 0;
        for (;;) {
            Pdu pdu = c.receiveFor(itt, deadline, "status of " + String.format("CDB opcode %02Xh", cdb[0] & 0xff));
            switch (pdu.opcode()) {
                case Pdu.R2T -> {
                    if (outData.length == 0) {
                        throw new IscsiProtocolException("R2T for a command without Data-Out");
                    }
                    c.updateWindow(pdu.int32(28), pdu.int32(32));
                    int r2tsn = pdu.int32(36);
                    if (r2tsn != expectedR2TSN) {
                        throw new IscsiProtocolException("R2TSN " + u32(r2tsn) + ", expected " + expectedR2TSN);
                    }
                    expectedR2TSN++;
                    int offset = pdu.int32(40);
                    int length = pdu.int32(44);
                    if (length <= 0 || length > n.maxBurstLength()) {
                        throw new IscsiProtocolException("R2T Desired Data Transfer Length " + u32(length)
                                + " outside 1..MaxBurstLength " + n.maxBurstLength());
                    }
                    if (offset < 0 || (long) offset + length > outData.length) {
                        throw new IscsiProtocolException("R2T asks for bytes " + u32(offset) + "+" + length
                                + " of a " + outData.length + "-byte transfer");
                    }
                    if (offset < unsolicited) {
                        throw new IscsiProtocolException("R2T at offset " + offset + " asks again for unsolicited data ("
                                + unsolicited + " bytes)");
                    }
                    solicited += length;
                    sendDataOut(c, lun, itt, pdu.int32(20), outData, offset, length, maxSend);
                    c.flush();
                }
                case Pdu.DATA_IN -> {
                    if (expectedInLength == 0) {
                        throw new IscsiProtocolException("Data-In for a command that expects no data");
                    }
                    c.updateWindow(pdu.int32(28), pdu.int32(32));
                    int dataSN = pdu.int32(36);
                    if (dataSN != expectedDataSN) {
                        throw new IscsiProtocolException("Data-In DataSN " + u32(dataSN) + ", expected " + expectedDataSN);
                    }
                    expectedDataSN++;
                    int offset = pdu.int32(40);
                    byte[] d = pdu.data();
                    if (offset < 0 || (long) offset + d.length > expectedInLength) {
                        throw new IscsiProtocolException("Data-In bytes " + u32(offset) + "+" + d.length
                                + " beyond the expected length " + expectedInLength);
                    }
                    System.arraycopy(d, 0, in, offset, d.length);
                    inHigh = Math.max(inHigh, offset + d.length);
                    // RFC 7143 §11.7.1: S bit = status follows in this PDU (F must be set too)
                    if ((pdu.flags() & 0x01) != 0) {
                        if (!pdu.isFinal()) {
                            throw new IscsiProtocolException("Data-In with S bit but without F bit");
                        }
                        c.checkStatSN(pdu);
                        int f = pdu.flags();
                        return new ScsiReply(0, pdu.u8(3), new byte[0], Arrays.copyOf(in, inHigh), (f & 0x04) != 0,
                                (f & 0x02) != 0, pdu.int32(44));
                    }
                }
                case Pdu.SCSI_RESPONSE -> {
                    c.checkStatSN(pdu);
                    if (outData.length > 0 && solicited + unsolicited < outData.length && pdu.u8(3) == 0
                            && pdu.u8(2) == 0 && (pdu.flags() & 0x02) == 0) {
                        throw new IscsiProtocolException("GOOD status after " + (solicited + unsolicited) + " of "
                                + outData.length + " Data-Out bytes without underflow");
                    }
                    return response(pdu, Arrays.copyOf(in, inHigh));
                }
                default -> throw unexpected(pdu, "R2T, Data-In or SCSI Response");
            }
        }
    }

    /** The reply from a SCSI Response PDU and the Data-In collected before it. */
    private static ScsiReply response(Pdu pdu, byte[] in) throws IscsiProtocolException {
        byte[] sense = new byte[0];
        byte[] d = pdu.data();
        if (d.length >= 2) {
            // RFC 7143 §11.4.7.2: SenseLength (2 bytes), sense data, then response data
            int senseLength = (d[0] & 0xff) << 8 | d[1] & 0xff;
            if (senseLength + 2 > d.length) {
                throw new IscsiProtocolException("SenseLength " + senseLength + " exceeds the data segment "
                        + d.length);
            }
            sense = Arrays.copyOfRange(d, 2, 2 + senseLength);
        } else if (d.length == 1) {
            throw new IscsiProtocolException("SCSI Response data segment of 1 byte");
        }
        int f = pdu.flags();
        return new ScsiReply(pdu.u8(2), pdu.u8(3), sense, in, (f & 0x04) != 0, (f & 0x02) != 0, pdu.int32(44));
    }

    private static void sendDataOut(InitiatorConnection c, int lun, int itt, int ttt, byte[] data, int offset,
            int length, int maxSend) throws IOException {
        // RFC 7143 §11.7: DataSN starts at 0 for each R2T's burst and for the unsolicited burst
        int dataSN = 0;
        int end = offset + length;
        for (int pos = offset; pos < end; dataSN++) {
            int n = Math.min(maxSend, end - pos);
            Pdu p = new Pdu(Pdu.DATA_OUT).flags(pos + n == end ? 0x80 : 0).lun(lun).itt(itt).int32(20, ttt)
                    .int32(28, c.expStatSN).int32(36, dataSN).int32(40, pos)
                    .data(Arrays.copyOfRange(data, pos, pos + n));
            c.send(p, false);
            pos += n;
        }
    }
}
