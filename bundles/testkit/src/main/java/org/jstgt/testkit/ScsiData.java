package org.jstgt.testkit;

import java.util.ArrayList;
import java.util.List;

/** Decoders for the parameter data of common commands, for assertions in tests. */
public final class ScsiData {
    private ScsiData() {
    }

    /**
     * READ CAPACITY(16) parameter data (SBC-4 §5.20.2).
     *
     * @param lastLba RETURNED LOGICAL BLOCK ADDRESS, bytes 0-7
     * @param blockLength LOGICAL BLOCK LENGTH IN BYTES, bytes 8-11
     */
    public record Capacity(long lastLba, int blockLength) {
        /** @return capacity in bytes */
        public long bytes() {
            return (lastLba + 1) * blockLength;
        }
    }

    /**
     * @param data READ CAPACITY(16) data, at least 12 bytes
     * @return the capacity
     */
    public static Capacity readCapacity16(byte[] data) {
        need(data, 12, "READ CAPACITY(16)");
        return new Capacity(u64(data, 0), (int) u32(data, 8));
    }

    /**
     * @param data READ CAPACITY(10) data (SBC-4 §5.19.2), 8 bytes
     * @return the capacity (lastLba FFFFFFFFh means: use READ CAPACITY(16))
     */
    public static Capacity readCapacity10(byte[] data) {
        need(data, 8, "READ CAPACITY(10)");
        return new Capacity(u32(data, 0), (int) u32(data, 4));
    }

    /**
     * REPORT LUNS parameter data (SPC-4 §6.33.2): LUN LIST LENGTH then 8-byte LUNs. Decodes
     * peripheral (00b) and flat space (01b) single-level addressing.
     *
     * @param data the data
     * @return the LUN numbers in the order reported
     */
    public static List<Integer> reportLuns(byte[] data) {
        need(data, 8, "REPORT LUNS");
        long listLength = u32(data, 0);
        List<Integer> luns = new ArrayList<>();
        int end = (int) Math.min(data.length, 8 + listLength);
        for (int p = 8; p + 8 <= end; p += 8) {
            int method = (data[p] & 0xc0) >>> 6;
            if (method != 0 && method != 1) {
                throw new IllegalArgumentException("LUN address method " + method + " at byte " + p);
            }
            luns.add((data[p] & 0x3f) << 8 | data[p + 1] & 0xff);
        }
        return luns;
    }

    private static void need(byte[] data, int n, String what) {
        if (data.length < n) {
            throw new IllegalArgumentException(what + " data needs " + n + " bytes, got " + data.length);
        }
    }

    private static long u32(byte[] b, int off) {
        return (b[off] & 0xffL) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | b[off + 3] & 0xff;
    }

    private static long u64(byte[] b, int off) {
        return u32(b, off) << 32 | u32(b, off + 4);
    }
}
