package org.jstgt.api.scsi;

/**
 * Lays out sense data for a {@link ScsiException}, in fixed (70h) or descriptor (72h) format. The
 * key/ASC/ASCQ come from the one table in {@link SenseReason}; every bundle that must produce sense
 * bytes (the SCSI core, a fabric's own protocol-level failures) renders them here.
 */
public final class SenseData {
    /** Length of fixed format sense data with ADDITIONAL SENSE LENGTH 10 (SPC-4 §4.5.3). */
    public static final int FIXED_LENGTH = 18;

    private SenseData() {
    }

    /**
     * Fixed format sense data, SPC-4 §4.5.3 (table 50).
     *
     * @param e the failure
     * @return 18 bytes
     */
    public static byte[] fixed(ScsiException e) {
        SenseReason r = e.reason();
        byte[] s = new byte[FIXED_LENGTH];
        Long info = e.information();
        // INFORMATION is 4 bytes here; a larger value (LBA beyond 2^32) cannot be reported, and
        // VALID then stays 0 (SPC-4 §4.5.3).
        boolean valid = info != null && (info >>> 32) == 0;
        // byte 0: VALID (bit 7) | RESPONSE CODE 70h (current error)
        s[0] = (byte) ((valid ? 0x80 : 0) | 0x70);
        // byte 1: obsolete
        // byte 2: FILEMARK (7), EOM (6), ILI (5), reserved (4), SENSE KEY (3-0)
        s[2] = (byte) r.key().code();
        if (valid) {
            // bytes 3-6: INFORMATION
            putInt(s, 3, info.intValue());
        }
        // byte 7: ADDITIONAL SENSE LENGTH (n - 7)
        s[7] = (byte) (FIXED_LENGTH - 8);
        // bytes 8-11: COMMAND-SPECIFIC INFORMATION (none)
        // byte 12: ADDITIONAL SENSE CODE, byte 13: ADDITIONAL SENSE CODE QUALIFIER
        s[12] = (byte) r.asc();
        s[13] = (byte) r.ascq();
        // byte 14: FIELD REPLACEABLE UNIT CODE (none)
        // bytes 15-17: SKSV (15 bit 7) + SENSE KEY SPECIFIC
        senseKeySpecific(e, s, 15);
        return s;
    }

    /**
     * Descriptor format sense data, SPC-4 §4.5.2 (table 26), with an information descriptor
     * (§4.5.2.2) and a sense key specific descriptor (§4.5.2.3) when they apply.
     *
     * @param e the failure
     * @return the bytes
     */
    public static byte[] descriptor(ScsiException e) {
        SenseReason r = e.reason();
        boolean info = e.information() != null;
        boolean sks = hasFieldPointer(e);
        int length = 8 + (info ? 12 : 0) + (sks ? 8 : 0);
        byte[] s = new byte[length];
        // byte 0: RESPONSE CODE 72h (current error, descriptor format)
        s[0] = 0x72;
        // byte 1: reserved (7-4) | SENSE KEY (3-0)
        s[1] = (byte) r.key().code();
        // byte 2: ADDITIONAL SENSE CODE, byte 3: ADDITIONAL SENSE CODE QUALIFIER
        s[2] = (byte) r.asc();
        s[3] = (byte) r.ascq();
        // bytes 4-6: reserved; byte 7: ADDITIONAL SENSE LENGTH (n - 7)
        s[7] = (byte) (length - 8);
        int p = 8;
        if (info) {
            // information descriptor: byte 0 DESCRIPTOR TYPE 00h, byte 1 ADDITIONAL LENGTH 0Ah,
            // byte 2 VALID (bit 7, shall be 1), byte 3 reserved, bytes 4-11 INFORMATION
            s[p] = 0x00;
            s[p + 1] = 0x0A;
            s[p + 2] = (byte) 0x80;
            putLong(s, p + 4, e.information());
            p += 12;
        }
        if (sks) {
            // sense key specific descriptor: byte 0 DESCRIPTOR TYPE 02h, byte 1 ADDITIONAL LENGTH
            // 06h, bytes 2-3 reserved, bytes 4-6 SKSV + SENSE KEY SPECIFIC, byte 7 reserved
            s[p] = 0x02;
            s[p + 1] = 0x06;
            senseKeySpecific(e, s, p + 4);
        }
        return s;
    }

    /** Field pointers exist only for ILLEGAL REQUEST (SPC-4 §4.5.2.4.2). */
    private static boolean hasFieldPointer(ScsiException e) {
        return e.reason().key() == SenseKey.ILLEGAL_REQUEST && e.fieldByte() >= 0 && e.fieldByte() <= 0xFFFF;
    }

    /**
     * The 3-byte field pointer sense key specific data (SPC-4 §4.5.2.4.2, table 31): byte 0 SKSV
     * (7), C/D (6), reserved (5-4), BPV (3), BIT POINTER (2-0); bytes 1-2 FIELD POINTER.
     */
    private static void senseKeySpecific(ScsiException e, byte[] s, int at) {
        if (!hasFieldPointer(e)) {
            return;
        }
        int b = 0x80;
        if (e.fieldInCdb()) {
            b |= 0x40;
        }
        if (e.fieldBit() >= 0 && e.fieldBit() <= 7) {
            b |= 0x08 | e.fieldBit();
        }
        s[at] = (byte) b;
        s[at + 1] = (byte) (e.fieldByte() >>> 8);
        s[at + 2] = (byte) e.fieldByte();
    }

    private static void putInt(byte[] s, int at, int v) {
        s[at] = (byte) (v >>> 24);
        s[at + 1] = (byte) (v >>> 16);
        s[at + 2] = (byte) (v >>> 8);
        s[at + 3] = (byte) v;
    }

    private static void putLong(byte[] s, int at, long v) {
        putInt(s, at, (int) (v >>> 32));
        putInt(s, at + 4, (int) v);
    }
}
