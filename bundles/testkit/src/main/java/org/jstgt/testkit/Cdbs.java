package org.jstgt.testkit;

/**
 * CDB builders for tests, one method per command as libiscsi's {@code scsi_cdb_*} helpers. Fields
 * are laid out as in SPC-4 / SBC-4; every value is checked against its field width so that a test
 * cannot silently send something other than it means (use {@link #raw(int...)} for deliberately
 * malformed CDBs).
 */
public final class Cdbs {
    /** TEST UNIT READY (SPC-4 §6.47). */
    public static final int TEST_UNIT_READY = 0x00;
    /** REQUEST SENSE (SPC-4 §6.39). */
    public static final int REQUEST_SENSE = 0x03;
    /** INQUIRY (SPC-4 §6.6). */
    public static final int INQUIRY = 0x12;
    /** MODE SENSE(6) (SPC-4 §6.11). */
    public static final int MODE_SENSE_6 = 0x1a;
    /** READ CAPACITY(10) (SBC-4 §5.19). */
    public static final int READ_CAPACITY_10 = 0x25;
    /** READ(10) (SBC-4 §5.11). */
    public static final int READ_10 = 0x28;
    /** WRITE(10) (SBC-4 §5.39). */
    public static final int WRITE_10 = 0x2a;
    /** SYNCHRONIZE CACHE(10) (SBC-4 §5.25). */
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    /** MODE SENSE(10) (SPC-4 §6.12). */
    public static final int MODE_SENSE_10 = 0x5a;
    /** READ(16) (SBC-4 §5.13). */
    public static final int READ_16 = 0x88;
    /** WRITE(16) (SBC-4 §5.41). */
    public static final int WRITE_16 = 0x8a;
    /** SERVICE ACTION IN(16); READ CAPACITY(16) is service action 10h (SBC-4 §5.20). */
    public static final int SERVICE_ACTION_IN_16 = 0x9e;
    /** REPORT LUNS (SPC-4 §6.33). */
    public static final int REPORT_LUNS = 0xa0;

    /** Byte 1 bit 3: force unit access (SBC-4 §5.11). */
    public static final int FUA = 0x08;
    /** Byte 1 bit 4: disable page out (SBC-4 §5.11). */
    public static final int DPO = 0x10;

    private Cdbs() {
    }

    /**
     * @param bytes CDB bytes as ints (0..255)
     * @return the CDB, unchecked beyond byte range
     */
    public static byte[] raw(int... bytes) {
        byte[] cdb = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            cdb[i] = (byte) check("byte " + i, bytes[i], 0xff);
        }
        return cdb;
    }

    /** @return TEST UNIT READY */
    public static byte[] testUnitReady() {
        return new byte[6];
    }

    /**
     * @param allocationLength byte 4
     * @param descriptorFormat DESC, byte 1 bit 0
     * @return REQUEST SENSE
     */
    public static byte[] requestSense(int allocationLength, boolean descriptorFormat) {
        byte[] cdb = new byte[6];
        cdb[0] = REQUEST_SENSE;
        cdb[1] = (byte) (descriptorFormat ? 1 : 0);
        cdb[4] = (byte) check("allocation length", allocationLength, 0xff);
        return cdb;
    }

    /**
     * @param evpd EVPD, byte 1 bit 0
     * @param pageCode byte 2
     * @param allocationLength bytes 3-4
     * @return INQUIRY
     */
    public static byte[] inquiry(boolean evpd, int pageCode, int allocationLength) {
        byte[] cdb = new byte[6];
        cdb[0] = INQUIRY;
        cdb[1] = (byte) (evpd ? 1 : 0);
        cdb[2] = (byte) check("page code", pageCode, 0xff);
        putU16(cdb, 3, check("allocation length", allocationLength, 0xffff));
        return cdb;
    }

    /**
     * @param dbd disable block descriptors, byte 1 bit 3
     * @param pageControl PC, byte 2 bits 6-7
     * @param pageCode byte 2 bits 0-5
     * @param subpageCode byte 3
     * @param allocationLength byte 4
     * @return MODE SENSE(6)
     */
    public static byte[] modeSense6(boolean dbd, int pageControl, int pageCode, int subpageCode,
            int allocationLength) {
        byte[] cdb = new byte[6];
        cdb[0] = MODE_SENSE_6;
        cdb[1] = (byte) (dbd ? 0x08 : 0);
        cdb[2] = (byte) (check("page control", pageControl, 3) << 6 | check("page code", pageCode, 0x3f));
        cdb[3] = (byte) check("subpage code", subpageCode, 0xff);
        cdb[4] = (byte) check("allocation length", allocationLength, 0xff);
        return cdb;
    }

    /**
     * @param llbaa long LBA accepted, byte 1 bit 4
     * @param dbd disable block descriptors, byte 1 bit 3
     * @param pageControl PC, byte 2 bits 6-7
     * @param pageCode byte 2 bits 0-5
     * @param subpageCode byte 3
     * @param allocationLength bytes 7-8
     * @return MODE SENSE(10)
     */
    public static byte[] modeSense10(boolean llbaa, boolean dbd, int pageControl, int pageCode, int subpageCode,
            int allocationLength) {
        byte[] cdb = new byte[10];
        cdb[0] = MODE_SENSE_10;
        cdb[1] = (byte) ((llbaa ? 0x10 : 0) | (dbd ? 0x08 : 0));
        cdb[2] = (byte) (check("page control", pageControl, 3) << 6 | check("page code", pageCode, 0x3f));
        cdb[3] = (byte) check("subpage code", subpageCode, 0xff);
        putU16(cdb, 7, check("allocation length", allocationLength, 0xffff));
        return cdb;
    }

    /** @return READ CAPACITY(10) */
    public static byte[] readCapacity10() {
        byte[] cdb = new byte[10];
        cdb[0] = READ_CAPACITY_10;
        return cdb;
    }

    /**
     * @param allocationLength bytes 10-13
     * @return READ CAPACITY(16) (SERVICE ACTION IN(16), service action 10h)
     */
    public static byte[] readCapacity16(int allocationLength) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) SERVICE_ACTION_IN_16;
        cdb[1] = 0x10;
        putU32(cdb, 10, allocationLength);
        return cdb;
    }

    /**
     * @param selectReport byte 2
     * @param allocationLength bytes 6-9 (SPC-4 requires at least 16)
     * @return REPORT LUNS
     */
    public static byte[] reportLuns(int selectReport, int allocationLength) {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) REPORT_LUNS;
        cdb[2] = (byte) check("select report", selectReport, 0xff);
        putU32(cdb, 6, allocationLength);
        return cdb;
    }

    /**
     * @param lba bytes 2-5
     * @param blocks transfer length, bytes 7-8
     * @param flags byte 1 ({@link #FUA}, {@link #DPO}, RDPROTECT)
     * @return READ(10)
     */
    public static byte[] read10(long lba, int blocks, int flags) {
        return rw10(READ_10, lba, blocks, flags);
    }

    /**
     * @param lba bytes 2-5
     * @param blocks transfer length, bytes 7-8
     * @return READ(10) without flags
     */
    public static byte[] read10(long lba, int blocks) {
        return read10(lba, blocks, 0);
    }

    /**
     * @param lba bytes 2-5
     * @param blocks transfer length, bytes 7-8
     * @param flags byte 1 ({@link #FUA}, {@link #DPO}, WRPROTECT)
     * @return WRITE(10)
     */
    public static byte[] write10(long lba, int blocks, int flags) {
        return rw10(WRITE_10, lba, blocks, flags);
    }

    /**
     * @param lba bytes 2-5
     * @param blocks transfer length, bytes 7-8
     * @return WRITE(10) without flags
     */
    public static byte[] write10(long lba, int blocks) {
        return write10(lba, blocks, 0);
    }

    /**
     * @param lba bytes 2-9
     * @param blocks transfer length, bytes 10-13
     * @param flags byte 1
     * @return READ(16)
     */
    public static byte[] read16(long lba, long blocks, int flags) {
        return rw16(READ_16, lba, blocks, flags);
    }

    /**
     * @param lba bytes 2-9
     * @param blocks transfer length, bytes 10-13
     * @return READ(16) without flags
     */
    public static byte[] read16(long lba, long blocks) {
        return read16(lba, blocks, 0);
    }

    /**
     * @param lba bytes 2-9
     * @param blocks transfer length, bytes 10-13
     * @param flags byte 1
     * @return WRITE(16)
     */
    public static byte[] write16(long lba, long blocks, int flags) {
        return rw16(WRITE_16, lba, blocks, flags);
    }

    /**
     * @param lba bytes 2-9
     * @param blocks transfer length, bytes 10-13
     * @return WRITE(16) without flags
     */
    public static byte[] write16(long lba, long blocks) {
        return write16(lba, blocks, 0);
    }

    /**
     * @param lba bytes 2-5
     * @param blocks number of logical blocks, bytes 7-8 (0: to the end of the medium)
     * @param immed IMMED, byte 1 bit 1
     * @return SYNCHRONIZE CACHE(10)
     */
    public static byte[] synchronizeCache10(long lba, int blocks, boolean immed) {
        byte[] cdb = rw10(SYNCHRONIZE_CACHE_10, lba, blocks, 0);
        cdb[1] = (byte) (immed ? 0x02 : 0);
        return cdb;
    }

    private static byte[] rw10(int opcode, long lba, int blocks, int flags) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) check("flags", flags, 0xff);
        putU32(cdb, 2, (int) checkLong("LBA", lba, 0xffffffffL));
        putU16(cdb, 7, check("transfer length", blocks, 0xffff));
        return cdb;
    }

    private static byte[] rw16(int opcode, long lba, long blocks, int flags) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) check("flags", flags, 0xff);
        for (int i = 0; i < 8; i++) {
            cdb[2 + i] = (byte) (lba >>> (56 - 8 * i));
        }
        putU32(cdb, 10, (int) checkLong("transfer length", blocks, 0xffffffffL));
        return cdb;
    }

    private static int check(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + " must be 0.." + max + ", was " + value);
        }
        return value;
    }

    private static long checkLong(String field, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + " must be 0.." + max + ", was " + value);
        }
        return value;
    }

    private static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
