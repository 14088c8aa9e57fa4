package org.jstgt.testkit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * READ ELEMENT STATUS data (SMC-3 §6.10.2) as a test reads it: the element status pages and their
 * descriptors, with the primary volume tag when the page has PVOLTAG.
 *
 * @param type ELEMENT TYPE CODE (1 transport, 2 storage, 3 import/export, 4 data transfer)
 * @param address ELEMENT ADDRESS (descriptor bytes 0-1)
 * @param full FULL (byte 2 bit 0)
 * @param volumeTag the PRIMARY VOLUME TAG identifier, trailing spaces removed ("" when none)
 * @param sourceAddress SOURCE STORAGE ELEMENT ADDRESS when SVALID (byte 9 bit 7), else -1
 */
public record ElementStatus(int type, int address, boolean full, String volumeTag, int sourceAddress) {

    /**
     * @param data the Data-In of READ ELEMENT STATUS
     * @return the descriptors in the order reported
     * @throws IllegalArgumentException when the lengths do not add up
     */
    public static List<ElementStatus> parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (data.length < 8) {
            throw new IllegalArgumentException("element status data of " + data.length + " bytes");
        }
        int reportBytes = ((b.get(5) & 0xFF) << 16) | (b.getShort(6) & 0xFFFF);
        int end = Math.min(data.length, 8 + reportBytes);
        List<ElementStatus> out = new ArrayList<>();
        int p = 8;
        while (p + 8 <= end) {
            int type = b.get(p) & 0x0F;
            boolean pvoltag = (b.get(p + 1) & 0x80) != 0;
            int descriptorLength = b.getShort(p + 2) & 0xFFFF;
            int pageBytes = ((b.get(p + 5) & 0xFF) << 16) | (b.getShort(p + 6) & 0xFFFF);
            if (descriptorLength < 12) {
                throw new IllegalArgumentException("ELEMENT DESCRIPTOR LENGTH " + descriptorLength + " at byte " + p);
            }
            int d = p + 8;
            int pageEnd = Math.min(end, d + pageBytes);
            for (; d + descriptorLength <= pageEnd; d += descriptorLength) {
                String tag = "";
                if (pvoltag && descriptorLength >= 12 + 36) {
                    byte[] t = new byte[32];
                    b.get(d + 12, t);
                    tag = new String(t, StandardCharsets.US_ASCII).stripTrailing().replace("\0", "");
                }
                boolean svalid = (b.get(d + 9) & 0x80) != 0;
                out.add(new ElementStatus(type, b.getShort(d) & 0xFFFF, (b.get(d + 2) & 1) != 0, tag,
                        svalid ? b.getShort(d + 10) & 0xFFFF : -1));
            }
            p = d == p + 8 ? pageEnd : Math.max(d, pageEnd);
        }
        return out;
    }

    /**
     * @param all descriptors
     * @param type an element type code
     * @return the first element of that type
     */
    public static Optional<ElementStatus> first(List<ElementStatus> all, int type) {
        return all.stream().filter(e -> e.type() == type).findFirst();
    }

    /**
     * @param all descriptors
     * @param volumeTag a barcode
     * @return the element holding that cartridge
     */
    public static Optional<ElementStatus> holding(List<ElementStatus> all, String volumeTag) {
        return all.stream().filter(e -> e.full() && e.volumeTag().equals(volumeTag)).findFirst();
    }
}
