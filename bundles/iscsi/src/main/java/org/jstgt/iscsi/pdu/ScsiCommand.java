package org.jstgt.iscsi.pdu;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * SCSI Command (RFC 7143 §11.3). The CDB includes the Extended CDB AHS bytes when present
 * (§11.3.5); {@code bidiReadLength} is the Bidirectional Read Expected Data Transfer Length AHS
 * (§11.3.6), -1 when absent.
 */
public record ScsiCommand(boolean immediate, boolean finalFlag, boolean read, boolean write, int attribute,
        long lun, int itt, int expectedDataTransferLength, int cmdSn, int expStatSn, byte[] cdb,
        long bidiReadLength, ByteBuf data) implements Pdu {

    /** AHSType of an Extended CDB AHS. */
    static final int AHS_EXTENDED_CDB = 1;
    /** AHSType of a Bidirectional Read Expected Data Transfer Length AHS. */
    static final int AHS_BIDI_READ_LENGTH = 2;

    @Override
    public Opcode opcode() {
        return Opcode.SCSI_COMMAND;
    }

    @Override
    public byte[] header() {
        byte[] h = Pdu.newHeader(opcode(), immediate, data.readableBytes(), itt);
        h[1] = (byte) ((finalFlag ? 0x80 : 0) | (read ? 0x40 : 0) | (write ? 0x20 : 0) | (attribute & 7));
        h[4] = (byte) (ahs().length / 4);
        Bhs.put64(h, 8, lun);
        Bhs.put32(h, 20, expectedDataTransferLength);
        Bhs.put32(h, 24, cmdSn);
        Bhs.put32(h, 28, expStatSn);
        System.arraycopy(cdb, 0, h, 32, Math.min(16, cdb.length));
        return h;
    }

    @Override
    public byte[] ahs() {
        int ext = cdb.length > 16 ? cdb.length - 16 : 0;
        int extAhs = ext > 0 ? 4 + ext + Bhs.pad(ext) : 0;
        int bidiAhs = bidiReadLength >= 0 ? 8 : 0;
        byte[] a = new byte[extAhs + bidiAhs];
        if (ext > 0) {
            Bhs.put16(a, 0, ext + 1);
            a[2] = AHS_EXTENDED_CDB;
            System.arraycopy(cdb, 16, a, 4, ext);
        }
        if (bidiAhs > 0) {
            Bhs.put16(a, extAhs, 5);
            a[extAhs + 2] = AHS_BIDI_READ_LENGTH;
            Bhs.put32(a, extAhs + 4, (int) bidiReadLength);
        }
        return a;
    }

    /**
     * @param h BHS
     * @param ahs AHS bytes (may be empty)
     * @param data data segment
     * @return the command
     * @throws MalformedPduException when an AHS is inconsistent
     */
    static ScsiCommand decode(byte[] h, byte[] ahs, ByteBuf data) throws MalformedPduException {
        byte[] cdb = Arrays.copyOfRange(h, 32, 48);
        long bidi = -1;
        int i = 0;
        while (i < ahs.length) {
            if (ahs.length - i < 4) {
                throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "truncated AHS");
            }
            int len = Bhs.u16(ahs, i);
            int type = ahs[i + 2] & 0xff;
            int total = 3 + len + Bhs.pad(3 + len);
            if (len == 0 || i + total > ahs.length) {
                throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "AHS length " + len);
            }
            if (type == AHS_EXTENDED_CDB) {
                // AHSLength counts the reserved byte 3 plus the CDB bytes beyond the first 16.
                int ext = len - 1;
                byte[] longer = Arrays.copyOf(cdb, 16 + ext);
                System.arraycopy(ahs, i + 4, longer, 16, ext);
                cdb = longer;
            } else if (type == AHS_BIDI_READ_LENGTH && len == 5) {
                bidi = Bhs.i32(ahs, i + 4) & 0xffffffffL;
            } else {
                throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "AHS type " + type);
            }
            i += total;
        }
        return new ScsiCommand((h[0] & 0x40) != 0, (h[1] & 0x80) != 0, (h[1] & 0x40) != 0, (h[1] & 0x20) != 0,
                h[1] & 7, Bhs.i64(h, 8), Bhs.itt(h), Bhs.i32(h, 20), Bhs.i32(h, 24), Bhs.i32(h, 28), cdb, bidi,
                data);
    }
}
