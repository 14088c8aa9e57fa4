package org.jstgt.testkit;

/**
 * CDB builders for removable-media devices: SSC-3 tape (READ/WRITE(6), WRITE FILEMARKS, SPACE,
 * LOCATE, READ POSITION, REWIND, LOAD UNLOAD), MMC-6 (START STOP UNIT, GET EVENT STATUS
 * NOTIFICATION, READ TOC) and SMC-3 (MOVE MEDIUM, READ ELEMENT STATUS, INITIALIZE ELEMENT STATUS),
 * plus PREVENT ALLOW MEDIUM REMOVAL (SPC-4 §6.13). Values are checked against their field widths.
 */
public final class MediaCdbs {
    /** SPACE code: logical blocks (SSC-3 §7.8, table 43). */
    public static final int SPACE_BLOCKS = 0;
    /** SPACE code: filemarks. */
    public static final int SPACE_FILEMARKS = 1;
    /** SPACE code: end of data. */
    public static final int SPACE_END_OF_DATA = 3;
    /** READ POSITION service action: long form (SSC-3 §7.7). */
    public static final int READ_POSITION_LONG = 0x06;

    private MediaCdbs() {
    }

    private static void put24(byte[] c, int at, long v, String field) {
        if (v < -(1L << 23) || v >= (1L << 24)) {
            throw new IllegalArgumentException(field + " " + v + " does not fit 24 bits");
        }
        c[at] = (byte) (v >> 16);
        c[at + 1] = (byte) (v >> 8);
        c[at + 2] = (byte) v;
    }

    /**
     * READ(6) of a sequential-access device (SSC-3 §6.4).
     *
     * @param fixed FIXED (byte 1 bit 0): the length counts blocks of the mode's block length
     * @param sili SILI (byte 1 bit 1): suppress incorrect length indication
     * @param length TRANSFER LENGTH (bytes 2-4): bytes, or blocks when fixed
     */
    public static byte[] tapeRead6(boolean fixed, boolean sili, int length) {
        byte[] c = new byte[6];
        c[0] = 0x08;
        c[1] = (byte) ((fixed ? 1 : 0) | (sili ? 2 : 0));
        put24(c, 2, length, "TRANSFER LENGTH");
        return c;
    }

    /** WRITE(6) of a sequential-access device (SSC-3 §6.9): FIXED (byte 1 bit 0), TRANSFER LENGTH (bytes 2-4). */
    public static byte[] tapeWrite6(boolean fixed, int length) {
        byte[] c = new byte[6];
        c[0] = 0x0A;
        c[1] = (byte) (fixed ? 1 : 0);
        put24(c, 2, length, "TRANSFER LENGTH");
        return c;
    }

    /** WRITE FILEMARKS(6) (SSC-3 §6.10): IMMED (byte 1 bit 0), FILEMARK COUNT (bytes 2-4). */
    public static byte[] writeFilemarks6(int count, boolean immed) {
        byte[] c = new byte[6];
        c[0] = 0x10;
        c[1] = (byte) (immed ? 1 : 0);
        put24(c, 2, count, "FILEMARK COUNT");
        return c;
    }

    /** SPACE(6) (SSC-3 §7.8): CODE (byte 1 bits 3-0), COUNT (bytes 2-4, two's complement: negative is backwards). */
    public static byte[] space6(int code, int count) {
        byte[] c = new byte[6];
        c[0] = 0x11;
        c[1] = (byte) (code & 0x0F);
        put24(c, 2, count, "COUNT");
        return c;
    }

    /** REWIND (SSC-3 §7.9): IMMED (byte 1 bit 0). */
    public static byte[] rewind(boolean immed) {
        return new byte[] {0x01, (byte) (immed ? 1 : 0), 0, 0, 0, 0};
    }

    /** LOCATE(10) (SSC-3 §7.4): BT (byte 1 bit 2) = 0, LOGICAL OBJECT IDENTIFIER (bytes 3-6). */
    public static byte[] locate10(long objectId) {
        if (objectId < 0 || objectId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("LOGICAL OBJECT IDENTIFIER " + objectId);
        }
        byte[] c = new byte[10];
        c[0] = 0x2B;
        c[3] = (byte) (objectId >> 24);
        c[4] = (byte) (objectId >> 16);
        c[5] = (byte) (objectId >> 8);
        c[6] = (byte) objectId;
        return c;
    }

    /** LOCATE(16) (SSC-3 §7.5): DEST_TYPE (byte 1 bits 5-3) 0 = logical object, LOGICAL IDENTIFIER (bytes 4-11). */
    public static byte[] locate16(int destType, long identifier) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x92;
        c[1] = (byte) ((destType & 7) << 3);
        for (int i = 0; i < 8; i++) {
            c[4 + i] = (byte) (identifier >> (56 - 8 * i));
        }
        return c;
    }

    /** READ POSITION (SSC-3 §7.7): SERVICE ACTION (byte 1 bits 4-0), ALLOCATION LENGTH (bytes 7-8). */
    public static byte[] readPosition(int serviceAction, int allocationLength) {
        byte[] c = new byte[10];
        c[0] = 0x34;
        c[1] = (byte) (serviceAction & 0x1F);
        c[7] = (byte) (allocationLength >> 8);
        c[8] = (byte) allocationLength;
        return c;
    }

    /** READ BLOCK LIMITS (SSC-3 §7.6). */
    public static byte[] readBlockLimits() {
        return new byte[] {0x05, 0, 0, 0, 0, 0};
    }

    /** LOAD UNLOAD (SSC-3 §7.3): IMMED (byte 1 bit 0), LOAD (byte 4 bit 0). */
    public static byte[] loadUnload(boolean load, boolean immed) {
        return new byte[] {0x1B, (byte) (immed ? 1 : 0), 0, 0, (byte) (load ? 1 : 0), 0};
    }

    /** PREVENT ALLOW MEDIUM REMOVAL (SPC-4 §6.13): PREVENT (byte 4 bits 1-0). */
    public static byte[] preventAllow(boolean prevent) {
        return new byte[] {0x1E, 0, 0, 0, (byte) (prevent ? 1 : 0), 0};
    }

    /** START STOP UNIT (SBC-4 §5.27, MMC-6 §6.39): IMMED (byte 1 bit 0), LOEJ (byte 4 bit 1), START (byte 4 bit 0). */
    public static byte[] startStopUnit(boolean loej, boolean start) {
        return new byte[] {0x1B, 0, 0, 0, (byte) ((loej ? 2 : 0) | (start ? 1 : 0)), 0};
    }

    /** GET EVENT STATUS NOTIFICATION (MMC-6 §6.7): POLLED (byte 1 bit 0) = 1, class request (byte 4), allocation length (7-8). */
    public static byte[] getEventStatus(int classRequest, int allocationLength) {
        return new byte[] {0x4A, 1, 0, 0, (byte) classRequest, 0, 0, (byte) (allocationLength >> 8),
            (byte) allocationLength, 0};
    }

    /** READ(10) of 2048-byte blocks, as MMC uses it (MMC-6 §6.19). */
    public static byte[] read10(long lba, int blocks) {
        return Cdbs.read10(lba, blocks);
    }

    /** MOVE MEDIUM (SMC-3 §6.4): transport, source and destination element addresses (bytes 2-7). */
    public static byte[] moveMedium(int transport, int source, int destination) {
        byte[] c = new byte[12];
        c[0] = (byte) 0xA5;
        c[2] = (byte) (transport >> 8);
        c[3] = (byte) transport;
        c[4] = (byte) (source >> 8);
        c[5] = (byte) source;
        c[6] = (byte) (destination >> 8);
        c[7] = (byte) destination;
        return c;
    }

    /**
     * READ ELEMENT STATUS (SMC-3 §6.10): VOLTAG (byte 1 bit 4), ELEMENT TYPE CODE (byte 1 bits 3-0),
     * STARTING ELEMENT ADDRESS (2-3), NUMBER OF ELEMENTS (4-5), DVCID (byte 6 bit 0), ALLOCATION LENGTH (7-9).
     */
    public static byte[] readElementStatus(boolean voltag, int type, int start, int count, boolean dvcid,
            int allocationLength) {
        byte[] c = new byte[12];
        c[0] = (byte) 0xB8;
        c[1] = (byte) ((voltag ? 0x10 : 0) | (type & 0x0F));
        c[2] = (byte) (start >> 8);
        c[3] = (byte) start;
        c[4] = (byte) (count >> 8);
        c[5] = (byte) count;
        c[6] = (byte) (dvcid ? 1 : 0);
        put24(c, 7, allocationLength, "ALLOCATION LENGTH");
        return c;
    }

    /** INITIALIZE ELEMENT STATUS (SMC-3 §6.2). */
    public static byte[] initializeElementStatus() {
        return new byte[] {0x07, 0, 0, 0, 0, 0};
    }
}
