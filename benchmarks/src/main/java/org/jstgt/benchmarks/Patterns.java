package org.jstgt.benchmarks;

/** Test data and CDBs shared by the benchmarks. */
final class Patterns {
    private Patterns() {
    }

    /** @return {@code length} bytes that are neither zero nor periodic within a block */
    static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        int x = seed * 0x9E3779B9 + 1;
        for (int i = 0; i < length; i++) {
            // xorshift32: cheap, and no two 512-byte blocks alike
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    /**
     * READ(10)/WRITE(10) (SBC-4 §5.16, §5.40): byte 0 OPERATION CODE, bytes 2-5 LOGICAL BLOCK
     * ADDRESS, bytes 7-8 TRANSFER LENGTH, padded to the 16 bytes of an iSCSI BHS CDB field.
     */
    static byte[] cdb10(int opcode, long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) opcode;
        c[2] = (byte) (lba >>> 24);
        c[3] = (byte) (lba >>> 16);
        c[4] = (byte) (lba >>> 8);
        c[5] = (byte) lba;
        c[7] = (byte) (blocks >>> 8);
        c[8] = (byte) blocks;
        return c;
    }
}
