package org.jstgt.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reservation CDBs and PERSISTENT RESERVE OUT parameter lists for tests, laid out by hand as SPC-4
 * §6.15, §6.16 and §7.6.4.6 and SPC-2 §7.21-§7.25 give them (libiscsi's
 * {@code scsi_cdb_persistent_reserve_in/out}, {@code scsi_cdb_reserve6}).
 */
public final class PrCdbs {
    /** PERSISTENT RESERVE IN (SPC-4 §6.15). */
    public static final int PERSISTENT_RESERVE_IN = 0x5e;
    /** PERSISTENT RESERVE OUT (SPC-4 §6.16). */
    public static final int PERSISTENT_RESERVE_OUT = 0x5f;
    /** The SPEC_I_PT, ALL_TG_PT and APTPL bits of byte 20 of the basic parameter list. */
    public static final int SPEC_I_PT = 0x08;
    public static final int ALL_TG_PT = 0x04;
    public static final int APTPL = 0x01;

    private PrCdbs() {
    }

    /**
     * @param serviceAction byte 1 bits 4-0
     * @param allocationLength bytes 7-8
     * @return PERSISTENT RESERVE IN
     */
    public static byte[] persistentReserveIn(int serviceAction, int allocationLength) {
        return Cdbs.raw(PERSISTENT_RESERVE_IN, check(serviceAction, 0x1f), 0, 0, 0, 0, 0,
                check(allocationLength, 0xffff) >>> 8, allocationLength & 0xff, 0);
    }

    /**
     * @param serviceAction byte 1 bits 4-0
     * @param scopeAndType byte 2: SCOPE (7-4), TYPE (3-0)
     * @param parameterListLength bytes 5-8
     * @return PERSISTENT RESERVE OUT
     */
    public static byte[] persistentReserveOut(int serviceAction, int scopeAndType, long parameterListLength) {
        if (parameterListLength < 0 || parameterListLength > 0xffffffffL) {
            throw new IllegalArgumentException("parameter list length " + parameterListLength);
        }
        long n = parameterListLength;
        return Cdbs.raw(PERSISTENT_RESERVE_OUT, check(serviceAction, 0x1f), check(scopeAndType, 0xff), 0, 0,
                (int) (n >>> 24) & 0xff, (int) (n >>> 16) & 0xff, (int) (n >>> 8) & 0xff, (int) n & 0xff, 0);
    }

    /** @return RESERVE(6) */
    public static byte[] reserve6() {
        return Cdbs.raw(0x16, 0, 0, 0, 0, 0);
    }

    /** @return RELEASE(6) */
    public static byte[] release6() {
        return Cdbs.raw(0x17, 0, 0, 0, 0, 0);
    }

    /** @return RESERVE(10) */
    public static byte[] reserve10() {
        return Cdbs.raw(0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** @return RELEASE(10) */
    public static byte[] release10() {
        return Cdbs.raw(0x57, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * The basic parameter list (SPC-4 §6.16.3) and what follows it.
     *
     * @param key RESERVATION KEY
     * @param serviceActionKey SERVICE ACTION RESERVATION KEY
     * @param flags byte 20 ({@link #SPEC_I_PT}, {@link #ALL_TG_PT}, {@link #APTPL})
     * @param more bytes appended (e.g. {@link #transportIds})
     * @return the list
     */
    public static byte[] basic(long key, long serviceActionKey, int flags, byte[]... more) {
        byte[] b = new byte[24];
        putU64(b, 0, key);
        putU64(b, 8, serviceActionKey);
        b[20] = (byte) check(flags, 0xff);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b);
        for (byte[] m : more) {
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    /**
     * @param ids TransportIDs
     * @return TRANSPORTID PARAMETER DATA LENGTH and the TransportIDs (SPEC_I_PT, SPC-4 §6.16.3)
     */
    public static byte[] transportIds(byte[]... ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        for (byte[] id : ids) {
            n += id.length;
        }
        out.writeBytes(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        for (byte[] id : ids) {
            out.writeBytes(id);
        }
        return out.toByteArray();
    }

    /**
     * An iSCSI TransportID (SPC-4 §7.6.4.6), not checked: any format and length may be laid out.
     *
     * @param format FORMAT CODE: 0 an initiator name, 1 a port ({@code <name>,i,0x<isid>})
     * @param text the name, written in UTF-8 and followed by zeros (cut at the length)
     * @param additionalLength ADDITIONAL LENGTH, the bytes after the 4-byte header
     * @return the TransportID
     */
    public static byte[] transportId(int format, String text, int additionalLength) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[4 + check(additionalLength, 0xffff)];
        b[0] = (byte) (check(format, 3) << 6 | 0x05);
        b[2] = (byte) (additionalLength >>> 8);
        b[3] = (byte) additionalLength;
        // a text longer than the length is cut: the TransportID then has no null terminator
        System.arraycopy(t, 0, b, 4, Math.min(t.length, additionalLength));
        return b;
    }

    /**
     * The REGISTER AND MOVE parameter list (SPC-4 §6.16.4).
     *
     * @param key RESERVATION KEY
     * @param serviceActionKey SERVICE ACTION RESERVATION KEY
     * @param flags byte 17: UNREG (1), APTPL (0)
     * @param relativeTargetPortId RELATIVE TARGET PORT IDENTIFIER
     * @param transportId the TransportID
     * @return the list
     */
    public static byte[] move(long key, long serviceActionKey, int flags, int relativeTargetPortId,
            byte[] transportId) {
        byte[] b = new byte[24 + transportId.length];
        putU64(b, 0, key);
        putU64(b, 8, serviceActionKey);
        b[17] = (byte) check(flags, 0xff);
        b[18] = (byte) (check(relativeTargetPortId, 0xffff) >>> 8);
        b[19] = (byte) relativeTargetPortId;
        b[22] = (byte) (transportId.length >>> 8);
        b[23] = (byte) transportId.length;
        System.arraycopy(transportId, 0, b, 24, transportId.length);
        return b;
    }

    private static int check(int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("value must be 0.." + max + ", was " + value);
        }
        return value;
    }

    private static void putU64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
