package org.jstgt.api.scsi;

/**
 * Lays out a {@link Sense} in fixed (70h, or 71h for a deferred error) or descriptor (72h, 73h)
 * format. Every bundle that must produce
 * sense bytes (the SCSI core, a fabric's own protocol-level failures) renders them here.
 */
public final class SenseData {
    /** Length of fixed format sense data with ADDITIONAL SENSE LENGTH 10 (SPC-4 §4.5.3). */
    public static final int FIXED_LENGTH = 18;

    private SenseData() {
    }

    /**
     * Fixed format sense data, SPC-4 §4.5.3 (table 50).
     *
     * @param sense the sense
     * @return 18 bytes
     */
    public static byte[] fixed(Sense sense) {
        byte[] s = new byte[FIXED_LENGTH];
        Long info = sense.information();
        // INFORMATION is 4 bytes here: a value that fits neither as unsigned (an LBA) nor as signed
        // (a tape residual, SSC-3 §4.2.19) cannot be reported, and VALID then stays 0.
        boolean valid = info != null && info >= Integer.MIN_VALUE && info <= 0xFFFF_FFFFL;
        // byte 0: VALID (bit 7) | RESPONSE CODE 70h (current error) or 71h (deferred error)
        s[0] = (byte) ((valid ? 0x80 : 0) | (sense.deferred() ? 0x71 : 0x70));
        // byte 1: obsolete
        // byte 2: FILEMARK (7), EOM (6), ILI (5), reserved (4), SENSE KEY (3-0)
        s[2] = (byte) (streamBits(sense) | sense.key().code());
        if (valid) {
            // bytes 3-6: INFORMATION
            putInt(s, 3, info.intValue());
        }
        // byte 7: ADDITIONAL SENSE LENGTH (n - 7)
        s[7] = (byte) (FIXED_LENGTH - 8);
        // bytes 8-11: COMMAND-SPECIFIC INFORMATION (low 32 bits)
        if (sense.commandSpecific() != null) {
            putInt(s, 8, sense.commandSpecific().intValue());
        }
        // byte 12: ADDITIONAL SENSE CODE, byte 13: ADDITIONAL SENSE CODE QUALIFIER
        s[12] = (byte) sense.asc();
        s[13] = (byte) sense.ascq();
        // byte 14: FIELD REPLACEABLE UNIT CODE (none)
        // bytes 15-17: SKSV (15 bit 7) + SENSE KEY SPECIFIC
        putSenseKeySpecific(sense, s, 15);
        return s;
    }

    /**
     * Descriptor format sense data, SPC-4 §4.5.2 (table 26), with the information (§4.5.2.2),
     * command-specific information (§4.5.2.3), sense key specific (§4.5.2.4) and stream commands
     * (§4.5.2.5) descriptors that apply.
     *
     * @param sense the sense
     * @return the bytes
     */
    public static byte[] descriptor(Sense sense) {
        boolean info = sense.information() != null;
        boolean csi = sense.commandSpecific() != null;
        boolean sks = sense.senseKeySpecific() >= 0;
        boolean stream = streamBits(sense) != 0;
        int length = 8 + (info ? 12 : 0) + (csi ? 12 : 0) + (sks ? 8 : 0) + (stream ? 4 : 0);
        byte[] s = new byte[length];
        // byte 0: RESPONSE CODE 72h (current error, descriptor format) or 73h (deferred error)
        s[0] = (byte) (sense.deferred() ? 0x73 : 0x72);
        // byte 1: reserved (7-4) | SENSE KEY (3-0)
        s[1] = (byte) sense.key().code();
        // byte 2: ADDITIONAL SENSE CODE, byte 3: ADDITIONAL SENSE CODE QUALIFIER
        s[2] = (byte) sense.asc();
        s[3] = (byte) sense.ascq();
        // bytes 4-6: reserved; byte 7: ADDITIONAL SENSE LENGTH (n - 7)
        s[7] = (byte) (length - 8);
        int p = 8;
        if (info) {
            // information descriptor: byte 0 DESCRIPTOR TYPE 00h, byte 1 ADDITIONAL LENGTH 0Ah,
            // byte 2 VALID (bit 7, shall be 1), byte 3 reserved, bytes 4-11 INFORMATION
            s[p] = 0x00;
            s[p + 1] = 0x0A;
            s[p + 2] = (byte) 0x80;
            putLong(s, p + 4, sense.information());
            p += 12;
        }
        if (csi) {
            // command-specific information descriptor: TYPE 01h, ADDITIONAL LENGTH 0Ah, bytes 2-3
            // reserved, bytes 4-11 COMMAND-SPECIFIC INFORMATION
            s[p] = 0x01;
            s[p + 1] = 0x0A;
            putLong(s, p + 4, sense.commandSpecific());
            p += 12;
        }
        if (sks) {
            // sense key specific descriptor: TYPE 02h, ADDITIONAL LENGTH 06h, bytes 2-3 reserved,
            // bytes 4-6 SKSV + SENSE KEY SPECIFIC, byte 7 reserved
            s[p] = 0x02;
            s[p + 1] = 0x06;
            putSenseKeySpecific(sense, s, p + 4);
            p += 8;
        }
        if (stream) {
            // stream commands descriptor: TYPE 04h, ADDITIONAL LENGTH 02h, byte 2 reserved,
            // byte 3 FILEMARK (7), EOM (6), ILI (5)
            s[p] = 0x04;
            s[p + 1] = 0x02;
            s[p + 3] = (byte) streamBits(sense);
        }
        return s;
    }

    /** FILEMARK (7), EOM (6), ILI (5) as in fixed format byte 2 and the stream commands descriptor. */
    private static int streamBits(Sense sense) {
        return (sense.filemark() ? 0x80 : 0) | (sense.eom() ? 0x40 : 0) | (sense.ili() ? 0x20 : 0);
    }

    private static void putSenseKeySpecific(Sense sense, byte[] s, int at) {
        int sks = sense.senseKeySpecific();
        if (sks < 0) {
            return;
        }
        s[at] = (byte) (sks >>> 16);
        s[at + 1] = (byte) (sks >>> 8);
        s[at + 2] = (byte) sks;
    }

    /**
     * @param sense sense data in fixed (70h/71h: SENSE KEY in byte 2) or descriptor format
     *     (72h/73h: byte 1), SPC-4 §4.5
     * @return its SENSE KEY, 0 when there is none or the response code is neither
     */
    public static int senseKey(byte[] sense) {
        if (sense == null || sense.length < 2) {
            return 0;
        }
        int code = sense[0] & 0x7F;
        if (code == 0x72 || code == 0x73) {
            return sense[1] & 0x0F;
        }
        return (code == 0x70 || code == 0x71) && sense.length > 2 ? sense[2] & 0x0F : 0;
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
