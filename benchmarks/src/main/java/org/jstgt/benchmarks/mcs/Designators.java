package org.jstgt.benchmarks.mcs;

import java.util.Arrays;

/** Finds a logical unit's NAA designator in its Device Identification VPD page (83h, SPC-4 §7.8.6). */
final class Designators {
    private Designators() {
    }

    /**
     * @param page the page as returned (perhaps cut short by the allocation length)
     * @return the first NAA designator (type 3) of binary code set associated with the logical unit,
     *     8 or 16 bytes, or null when there is none
     */
    static byte[] naa(byte[] page) {
        if (page.length < 4 || (page[1] & 0xff) != 0x83) {
            return null;
        }
        int end = Math.min(page.length, 4 + ((page[2] & 0xff) << 8 | page[3] & 0xff));
        for (int at = 4; at + 4 <= end; at += 4 + (page[at + 3] & 0xff)) {
            int codeSet = page[at] & 0x0f;
            int association = page[at + 1] >> 4 & 0x03;
            int type = page[at + 1] & 0x0f;
            int length = page[at + 3] & 0xff;
            if (type == 3 && association == 0 && codeSet == 1 && (length == 8 || length == 16)
                    && at + 4 + length <= end) {
                return Arrays.copyOfRange(page, at + 4, at + 4 + length);
            }
        }
        return null;
    }
}
