package org.jstgt.scsi.spc;

import org.jstgt.api.scsi.Cdb;

/**
 * Where the addressing fields of a CDB sit: one constant per CDB form, shared by every command of
 * that form, so that a field is read in one place only. {@link BlockCommand} decodes a CDB through
 * its layout once, at parse time. Multi-byte fields are big-endian (SPC-4 §4.3.1).
 *
 * <p>The block-addressing forms of SBC-4 share their positions across the READ, WRITE, VERIFY,
 * WRITE AND VERIFY, SYNCHRONIZE CACHE and PRE-FETCH families (and MMC-6 READ(10)/(12) use the same
 * positions); only the meaning of the flag bits in byte 1 differs by family, which
 * {@link BlockCommand} names. The TRANSFER LENGTH field is called VERIFICATION LENGTH in VERIFY,
 * NUMBER OF LOGICAL BLOCKS in SYNCHRONIZE CACHE and PREFETCH LENGTH in PRE-FETCH.
 */
public enum CdbLayout {
    /**
     * SBC-4 READ(6) and WRITE(6) (§5.15, §5.41): byte 1 bits 7-5 reserved, bits 4-0 the most
     * significant bits of the 21-bit LOGICAL BLOCK ADDRESS, whose rest is bytes 2-3; byte 4
     * TRANSFER LENGTH, where 0 means 256 blocks. No flags, no GROUP NUMBER.
     */
    SBC_6(6, 1, 3, 0x1F_FFFFL, 4, 1, 256, 0x00, -1),
    /**
     * SBC-4 10-byte form (READ(10) §5.16, WRITE(10), VERIFY(10), WRITE AND VERIFY(10),
     * SYNCHRONIZE CACHE(10) §5.29, PRE-FETCH(10)): byte 1 flags; bytes 2-5 LOGICAL BLOCK ADDRESS;
     * byte 6 bits 5-0 GROUP NUMBER; bytes 7-8 TRANSFER LENGTH.
     */
    SBC_10(10, 2, 4, -1L, 7, 2, 0, 0xFF, 6),
    /**
     * SBC-4 12-byte form (READ(12), WRITE(12), VERIFY(12), WRITE AND VERIFY(12)): byte 1 flags;
     * bytes 2-5 LOGICAL BLOCK ADDRESS; bytes 6-9 TRANSFER LENGTH; byte 10 bits 5-0 GROUP NUMBER.
     */
    SBC_12(12, 2, 4, -1L, 6, 4, 0, 0xFF, 10),
    /**
     * SBC-4 16-byte form (READ(16), WRITE(16), VERIFY(16), WRITE AND VERIFY(16),
     * SYNCHRONIZE CACHE(16) §5.30, PRE-FETCH(16)): byte 1 flags; bytes 2-9 LOGICAL BLOCK ADDRESS
     * (64 bits, read unsigned); bytes 10-13 TRANSFER LENGTH; byte 14 bits 5-0 GROUP NUMBER.
     */
    SBC_16(16, 2, 8, -1L, 10, 4, 0, 0xFF, 14),
    /**
     * SSC-4 READ(6) and WRITE(6) of a sequential-access device: byte 1 bits 7-2 reserved, SILI (bit
     * 1, READ only) and FIXED (bit 0); bytes 2-4 the 24-bit TRANSFER LENGTH (blocks when FIXED,
     * else bytes); no LOGICAL BLOCK ADDRESS (the medium position is the device's), no GROUP NUMBER.
     */
    SSC_6(6, -1, 0, 0L, 2, 3, 0, 0x03, -1);

    /** GROUP NUMBER bits of its byte (SBC-4: bits 5-0; bits 7-6 are reserved or DLD). */
    private static final int GROUP_MASK = 0x3F;

    private final int cdbLength;
    private final int lbaAt;
    private final int lbaBytes;
    private final long lbaMask;
    private final int lengthAt;
    private final int lengthBytes;
    private final int zeroLength;
    private final int flagsMask;
    private final int groupAt;

    CdbLayout(int cdbLength, int lbaAt, int lbaBytes, long lbaMask, int lengthAt, int lengthBytes, int zeroLength,
            int flagsMask, int groupAt) {
        this.cdbLength = cdbLength;
        this.lbaAt = lbaAt;
        this.lbaBytes = lbaBytes;
        this.lbaMask = lbaMask;
        this.lengthAt = lengthAt;
        this.lengthBytes = lengthBytes;
        this.zeroLength = zeroLength;
        this.flagsMask = flagsMask;
        this.groupAt = groupAt;
    }

    /** @return the CDB length in bytes (its last byte is CONTROL) */
    public int cdbLength() {
        return cdbLength;
    }

    /** @return true when the form carries a LOGICAL BLOCK ADDRESS */
    public boolean hasLba() {
        return lbaAt >= 0;
    }

    /**
     * @param cdb the CDB
     * @return the LOGICAL BLOCK ADDRESS (unsigned; the 16-byte form's values above 2^63 come back
     *     negative, as {@link CdbChecks#checkRange} expects), 0 when the form has none
     */
    public long lba(Cdb cdb) {
        return switch (lbaBytes) {
            case 3 -> cdb.u24(lbaAt) & lbaMask;
            case 4 -> cdb.u32(lbaAt);
            case 8 -> cdb.u64(lbaAt);
            default -> 0;
        };
    }

    /** @return the byte of the LOGICAL BLOCK ADDRESS's most significant bits (for a field pointer), -1 when none */
    public int lbaByte() {
        return lbaAt;
    }

    /**
     * @param cdb the CDB
     * @return the TRANSFER LENGTH field (unsigned), with the 6-byte SBC form's 0 read as 256
     */
    public long transferLength(Cdb cdb) {
        long v = switch (lengthBytes) {
            case 1 -> cdb.u8(lengthAt);
            case 2 -> cdb.u16(lengthAt);
            case 3 -> cdb.u24(lengthAt);
            default -> cdb.u32(lengthAt);
        };
        return v == 0 ? zeroLength : v;
    }

    /** @return the first byte of the TRANSFER LENGTH field (for a field pointer) */
    public int transferLengthByte() {
        return lengthAt;
    }

    /**
     * @param cdb the CDB
     * @return the flag bits of byte 1 this form has (every other bit cleared); 0 when none
     */
    public int flags(Cdb cdb) {
        return cdb.u8(1) & flagsMask;
    }

    /**
     * @param cdb the CDB
     * @return GROUP NUMBER (bits 5-0 of its byte), 0 when the form has none
     */
    public int group(Cdb cdb) {
        return groupAt < 0 ? 0 : cdb.u8(groupAt) & GROUP_MASK;
    }

    /** @return the byte holding GROUP NUMBER, -1 when none */
    public int groupByte() {
        return groupAt;
    }

    /**
     * CDB USAGE DATA for {@link OpcodeTable.Command#usage(int...)} (SPC-4 §6.35.3): every bit of
     * the LOGICAL BLOCK ADDRESS and TRANSFER LENGTH, the given bits of byte 1, and nothing of
     * GROUP NUMBER or CONTROL.
     *
     * @param flagsUsed the byte 1 bits the command looks at (within this form's flags)
     * @return one mask per CDB byte
     */
    public int[] usage(int flagsUsed) {
        if ((flagsUsed & ~flagsMask) != 0) {
            throw new IllegalArgumentException(this + " has no flag bits " + Integer.toHexString(flagsUsed & ~flagsMask));
        }
        int[] u = new int[cdbLength];
        u[1] = flagsUsed;
        if (lbaAt >= 0) {
            for (int i = 0; i < lbaBytes; i++) {
                u[lbaAt + i] |= (int) (lbaMask >>> (8 * (lbaBytes - 1 - i))) & 0xFF;
            }
        }
        for (int i = 0; i < lengthBytes; i++) {
            u[lengthAt + i] = 0xFF;
        }
        return u;
    }
}
