package org.jstgt.benchmarks.mcs;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a copy manager says of itself in RECEIVE COPY OPERATING PARAMETERS (SPC-4 §6.23, SPC-3
 * §6.18) that a copy of one segment between two block devices must respect.
 *
 * @param maxCscdDescriptors MAXIMUM CSCD DESCRIPTOR COUNT (bytes 8-9)
 * @param maxSegmentDescriptors MAXIMUM SEGMENT DESCRIPTOR COUNT (bytes 10-11)
 * @param maxSegmentBytes MAXIMUM SEGMENT LENGTH (bytes 16-19), 0 when not limited
 * @param maxConcurrentCopies MAXIMUM CONCURRENT COPIES (byte 36), 0 when not said
 * @param descriptorCodes the implemented descriptor type codes (bytes 44..), empty when not listed
 */
record CopyLimits(int maxCscdDescriptors, int maxSegmentDescriptors, long maxSegmentBytes, int maxConcurrentCopies,
        byte[] descriptorCodes) {

    /** @return the parameters, or null when the data is too short to hold them */
    static CopyLimits parse(byte[] d, int received) {
        if (received < 44) {
            return null;
        }
        int listed = Math.min(d[43] & 0xff, received - 44);
        long maxSegmentBytes = ByteBuffer.wrap(d).getInt(16) & 0xffffffffL;
        return new CopyLimits(u16(d, 8), u16(d, 10), maxSegmentBytes, d[36] & 0xff,
                Arrays.copyOfRange(d, 44, 44 + listed));
    }

    /** @return why one block-to-block segment between two identification descriptors cannot be sent, or null */
    String refusal() {
        if (maxCscdDescriptors < 2 || maxSegmentDescriptors < 1) {
            return "the copy manager takes " + maxCscdDescriptors + " CSCD and " + maxSegmentDescriptors
                    + " segment descriptors";
        }
        boolean listed = lists(CopyCdbs.BLOCK_TO_BLOCK) && lists(CopyCdbs.IDENTIFICATION_DESCRIPTOR);
        if (descriptorCodes.length > 0 && !listed) {
            return "the copy manager does not list descriptor types 02h and E4h";
        }
        return null;
    }

    private boolean lists(int code) {
        for (byte b : descriptorCodes) {
            if ((b & 0xff) == code) {
                return true;
            }
        }
        return false;
    }

    private static int u16(byte[] d, int at) {
        return (d[at] & 0xff) << 8 | d[at + 1] & 0xff;
    }
}
