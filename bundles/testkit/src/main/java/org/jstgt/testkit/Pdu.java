package org.jstgt.testkit;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One iSCSI PDU (RFC 7143 §11.2): a 48-byte Basic Header Segment, optional AHS and a data segment.
 * Mutable, for building requests and reading responses in tests; the DataSegmentLength and
 * TotalAHSLength fields are filled in by {@link #encode(boolean, boolean)}.
 */
public final class Pdu {
    /** Size of the Basic Header Segment. */
    public static final int BHS_LENGTH = 48;
    /** The reserved tag value (RFC 7143 §11.2.1.8, §11.18.3). */
    public static final int RESERVED_TAG = 0xffffffff;

    // Initiator opcodes, RFC 7143 §11.2.1.2
    public static final int NOP_OUT = 0x00;
    public static final int SCSI_COMMAND = 0x01;
    public static final int TASK_MANAGEMENT_REQUEST = 0x02;
    public static final int LOGIN_REQUEST = 0x03;
    public static final int TEXT_REQUEST = 0x04;
    public static final int DATA_OUT = 0x05;
    public static final int LOGOUT_REQUEST = 0x06;
    public static final int SNACK_REQUEST = 0x10;
    // Target opcodes
    public static final int NOP_IN = 0x20;
    public static final int SCSI_RESPONSE = 0x21;
    public static final int TASK_MANAGEMENT_RESPONSE = 0x22;
    public static final int LOGIN_RESPONSE = 0x23;
    public static final int TEXT_RESPONSE = 0x24;
    public static final int DATA_IN = 0x25;
    public static final int LOGOUT_RESPONSE = 0x26;
    public static final int R2T = 0x31;
    public static final int ASYNC_MESSAGE = 0x32;
    public static final int REJECT = 0x3f;

    private final byte[] bhs;
    private byte[] ahs = new byte[0];
    private byte[] data = new byte[0];

    /**
     * @param opcode the 6-bit opcode
     */
    public Pdu(int opcode) {
        if ((opcode & ~0x3f) != 0) {
            throw new IllegalArgumentException("opcode must be 0..0x3f, was " + opcode);
        }
        bhs = new byte[BHS_LENGTH];
        bhs[0] = (byte) opcode;
    }

    private Pdu(byte[] bhs) {
        this.bhs = bhs;
    }

    /**
     * Wraps a received header.
     *
     * @param bhs 48 bytes, not copied
     * @return the PDU
     */
    public static Pdu ofHeader(byte[] bhs) {
        if (bhs.length != BHS_LENGTH) {
            throw new IllegalArgumentException("BHS must be 48 bytes, was " + bhs.length);
        }
        return new Pdu(bhs);
    }

    /** @return byte 0 bits 0-5 */
    public int opcode() {
        return bhs[0] & 0x3f;
    }

    /** @return the I bit (byte 0 bit 6): immediate delivery */
    public boolean immediate() {
        return (bhs[0] & 0x40) != 0;
    }

    /**
     * @param immediate the I bit
     * @return this
     */
    public Pdu immediate(boolean immediate) {
        bhs[0] = (byte) (immediate ? bhs[0] | 0x40 : bhs[0] & ~0x40);
        return this;
    }

    /** @return byte 1: the F bit and opcode-specific flags */
    public int flags() {
        return bhs[1] & 0xff;
    }

    /**
     * @param flags byte 1
     * @return this
     */
    public Pdu flags(int flags) {
        bhs[1] = (byte) flags;
        return this;
    }

    /** @return the F (final) bit, byte 1 bit 7 */
    public boolean isFinal() {
        return (bhs[1] & 0x80) != 0;
    }

    /**
     * @param offset byte offset in the BHS
     * @return the unsigned byte
     */
    public int u8(int offset) {
        return bhs[offset] & 0xff;
    }

    /**
     * @param offset byte offset
     * @param value the byte
     * @return this
     */
    public Pdu u8(int offset, int value) {
        bhs[offset] = (byte) value;
        return this;
    }

    /**
     * @param offset byte offset
     * @return big-endian 16-bit value
     */
    public int u16(int offset) {
        return (bhs[offset] & 0xff) << 8 | bhs[offset + 1] & 0xff;
    }

    /**
     * @param offset byte offset
     * @param value 16-bit value
     * @return this
     */
    public Pdu u16(int offset, int value) {
        bhs[offset] = (byte) (value >>> 8);
        bhs[offset + 1] = (byte) value;
        return this;
    }

    /**
     * @param offset byte offset
     * @return big-endian 32-bit value
     */
    public int int32(int offset) {
        return (bhs[offset] & 0xff) << 24 | (bhs[offset + 1] & 0xff) << 16 | (bhs[offset + 2] & 0xff) << 8
                | bhs[offset + 3] & 0xff;
    }

    /**
     * @param offset byte offset
     * @param value 32-bit value
     * @return this
     */
    public Pdu int32(int offset, int value) {
        bhs[offset] = (byte) (value >>> 24);
        bhs[offset + 1] = (byte) (value >>> 16);
        bhs[offset + 2] = (byte) (value >>> 8);
        bhs[offset + 3] = (byte) value;
        return this;
    }

    /** @return bytes 5-7: DataSegmentLength */
    public int dataSegmentLength() {
        return (bhs[5] & 0xff) << 16 | (bhs[6] & 0xff) << 8 | bhs[7] & 0xff;
    }

    /** @return bytes 16-19: Initiator Task Tag */
    public int itt() {
        return int32(16);
    }

    /**
     * @param itt Initiator Task Tag
     * @return this
     */
    public Pdu itt(int itt) {
        return int32(16, itt);
    }

    /**
     * Bytes 8-15 as a LUN (SAM-5 §4.7: peripheral device addressing below 256, flat space
     * addressing up to 16383).
     *
     * @param lun LUN number 0..16383
     * @return this
     */
    public Pdu lun(int lun) {
        if (lun < 0 || lun > 16383) {
            throw new IllegalArgumentException("LUN must be 0..16383, was " + lun);
        }
        Arrays.fill(bhs, 8, 16, (byte) 0);
        if (lun < 256) {
            bhs[9] = (byte) lun;
        } else {
            bhs[8] = (byte) (0x40 | lun >>> 8);
            bhs[9] = (byte) lun;
        }
        return this;
    }

    /** @return bytes 8-15 decoded as a single-level LUN (peripheral or flat addressing) */
    public int lun() {
        return (bhs[8] & 0x3f) << 8 | bhs[9] & 0xff;
    }

    /** @return a copy of the BHS */
    public byte[] header() {
        return bhs.clone();
    }

    /** @return the additional header segments (without digest), possibly empty */
    public byte[] ahs() {
        return ahs;
    }

    /**
     * @param ahs AHS bytes, a multiple of 4 long (RFC 7143 §11.2.2)
     * @return this
     */
    public Pdu ahs(byte[] ahs) {
        if (ahs.length % 4 != 0 || ahs.length > 255 * 4) {
            throw new IllegalArgumentException("AHS length must be a multiple of 4 up to 1020, was " + ahs.length);
        }
        this.ahs = ahs;
        return this;
    }

    /** @return the data segment without padding (not copied) */
    public byte[] data() {
        return data;
    }

    /**
     * @param data the data segment (not copied)
     * @return this
     */
    public Pdu data(byte[] data) {
        if (data.length > 0xffffff) {
            throw new IllegalArgumentException("data segment too long: " + data.length);
        }
        this.data = data;
        return this;
    }

    /**
     * Serialises the PDU: BHS, AHS, header digest, data segment padded to 4 bytes, data digest
     * (RFC 7143 §11.2). TotalAHSLength (byte 4) and DataSegmentLength (bytes 5-7) are set here.
     *
     * @param headerDigest append a CRC32C header digest
     * @param dataDigest append a CRC32C data digest when the data segment is not empty
     * @return the bytes to send
     */
    public byte[] encode(boolean headerDigest, boolean dataDigest) {
        bhs[4] = (byte) (ahs.length / 4);
        bhs[5] = (byte) (data.length >>> 16);
        bhs[6] = (byte) (data.length >>> 8);
        bhs[7] = (byte) data.length;
        int header = BHS_LENGTH + ahs.length;
        int padded = padded(data.length);
        int size = header + (headerDigest ? Crc32c.LENGTH : 0) + padded
                + (dataDigest && data.length > 0 ? Crc32c.LENGTH : 0);
        byte[] out = new byte[size];
        System.arraycopy(bhs, 0, out, 0, BHS_LENGTH);
        System.arraycopy(ahs, 0, out, BHS_LENGTH, ahs.length);
        int pos = header;
        if (headerDigest) {
            Crc32c.put(Crc32c.value(out, 0, header), out, pos);
            pos += Crc32c.LENGTH;
        }
        System.arraycopy(data, 0, out, pos, data.length);
        if (dataDigest && data.length > 0) {
            Crc32c.put(Crc32c.value(out, pos, padded), out, pos + padded);
        }
        return out;
    }

    /**
     * Reads one PDU, checking digests and the data segment limit.
     *
     * @param in the stream (blocking, with a read timeout)
     * @param headerDigest a header digest follows the header
     * @param dataDigest a data digest follows a non-empty data segment
     * @param maxDataSegmentLength our MaxRecvDataSegmentLength (RFC 7143 §13.12)
     * @return the PDU
     * @throws IOException on end of stream, timeout, digest error or oversized segment
     */
    public static Pdu read(InputStream in, boolean headerDigest, boolean dataDigest, int maxDataSegmentLength)
            throws IOException {
        byte[] bhs = readFully(in, BHS_LENGTH);
        Pdu pdu = new Pdu(bhs);
        int ahsLength = (bhs[4] & 0xff) * 4;
        pdu.ahs = readFully(in, ahsLength);
        if (headerDigest) {
            byte[] header = new byte[BHS_LENGTH + ahsLength];
            System.arraycopy(bhs, 0, header, 0, BHS_LENGTH);
            System.arraycopy(pdu.ahs, 0, header, BHS_LENGTH, ahsLength);
            int expected = Crc32c.value(header, 0, header.length);
            int actual = Crc32c.get(readFully(in, Crc32c.LENGTH), 0);
            if (expected != actual) {
                throw new IscsiProtocolException(String.format(
                        "header digest error on opcode 0x%02x: computed %08x, received %08x", pdu.opcode(),
                        expected, actual));
            }
        }
        int length = pdu.dataSegmentLength();
        if (length > maxDataSegmentLength) {
            throw new IscsiProtocolException(String.format(
                    "opcode 0x%02x carries %d data bytes, above our MaxRecvDataSegmentLength %d", pdu.opcode(),
                    length, maxDataSegmentLength));
        }
        if (length > 0) {
            byte[] padded = readFully(in, padded(length));
            if (dataDigest) {
                int expected = Crc32c.value(padded, 0, padded.length);
                int actual = Crc32c.get(readFully(in, Crc32c.LENGTH), 0);
                if (expected != actual) {
                    throw new IscsiProtocolException(String.format(
                            "data digest error on opcode 0x%02x: computed %08x, received %08x", pdu.opcode(),
                            expected, actual));
                }
            }
            pdu.data = padded.length == length ? padded : Arrays.copyOf(padded, length);
        }
        return pdu;
    }

    /**
     * @param length a data segment length
     * @return the length rounded up to a multiple of 4 (RFC 7143 §11.2.3)
     */
    public static int padded(int length) {
        return (length + 3) & ~3;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("connection closed by target after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return b;
    }

    @Override
    public String toString() {
        return String.format("Pdu[opcode=0x%02x flags=0x%02x itt=%08x dsl=%d]", opcode(), flags(), itt(),
                dataSegmentLength());
    }
}
