package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.scsi.spc.NaaDesignators;
import org.jstgt.api.scsi.SenseReason;

/**
 * An EXTENDED COPY(LID1) parameter list (SPC-4 §6.4.3), checked against the limits the
 * copy manager reports in RECEIVE COPY RESULTS OPERATING PARAMETERS ({@link Xcopy}) before any
 * segment is processed (SPC-4 §6.4.3.2-§6.4.3.5). Immutable.
 *
 * <p>Only identification descriptor CSCD descriptors (E4h, SPC-4 §6.4.5.2) naming a logical unit by
 * an NAA designator, and block device to block device segment descriptors (02h, SPC-4 §6.4.6.5)
 * are implemented.
 *
 * @param listId LIST IDENTIFIER (byte 0)
 * @param listIdUsage LIST ID USAGE (byte 1 bits 4-3, SPC-4 §6.4.3)
 * @param targets the CSCD descriptors, in list order (their index is what segments name)
 * @param segments the segment descriptors, in list order
 */
record XcopyList(int listId, int listIdUsage, List<Target> targets, List<Segment> segments) {
    /** Parameter list header length (SPC-4 §6.4.3). */
    static final int HEADER = 16;
    /** DESCRIPTOR TYPE CODE of the identification descriptor CSCD descriptor (SPC-4 §6.4.5.2). */
    static final int IDENTIFICATION = 0xE4;
    /** DESCRIPTOR TYPE CODE of the block device to block device segment descriptor (SPC-4 §6.4.6.5). */
    static final int BLOCK_TO_BLOCK = 0x02;
    /** Length of every CSCD descriptor this copy manager implements. */
    static final int TARGET_LENGTH = 32;
    /** Length of a block to block segment descriptor (DESCRIPTOR LENGTH 0018h plus 4). */
    static final int SEGMENT_LENGTH = 28;
    /** LIST ID USAGE 01b is reserved (SPC-4 §6.4.3). */
    private static final int USAGE_RESERVED = 0b01;
    /** DESIGNATOR TYPE NAA and CODE SET binary (SPC-4 §7.8.6.1). */
    private static final int TYPE_NAA = 0x3;
    private static final int CODE_SET_BINARY = 0x1;

    /** SPC-4 Annex D: ILLEGAL REQUEST, 26h/06h-09h. */
    static final Sense TOO_MANY_TARGET_DESCRIPTORS = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x26, 0x06);
    static final Sense UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x26, 0x07);
    static final Sense TOO_MANY_SEGMENT_DESCRIPTORS = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x26, 0x08);
    static final Sense UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x26, 0x09);

    /**
     * An identification descriptor CSCD descriptor (SPC-4 §6.4.5.2): byte 1 LU ID TYPE (7-6,
     * ignored as SPC-4 allows), NUL (5, obsolete), PERIPHERAL DEVICE TYPE (4-0, 00h: block device);
     * bytes 2-3 RELATIVE INITIATOR PORT IDENTIFIER (ignored: one port serves the copy); bytes 4-23 a
     * designation descriptor; bytes 24-31 block device parameters (SPC-4 §6.4.5.6: byte 28 PAD (2),
     * bytes 29-31 DISK BLOCK LENGTH).
     *
     * @param offset the descriptor's byte offset in the parameter list, for field pointers
     * @param naa the unit's NAA 3h identifier ({@link org.jstgt.api.scsi.LunSpec#naaId()}): the 8-byte
     *     designator itself, or the one a 16-byte NAA 6h designator jstgt made carries
     *     ({@link NaaDesignators}); null for a designator no unit of this target can have (other
     *     NAA types and lengths, other designator types)
     * @param extended the 16-byte NAA 6h designator as sent, which the unit found must report; null
     *     for an 8-byte one
     * @param blockLength DISK BLOCK LENGTH
     */
    record Target(int offset, Long naa, byte[] extended, int blockLength) {
        /** Parameter list byte of DISK BLOCK LENGTH. */
        int blockLengthField() {
            return offset + 29;
        }
    }

    /**
     * A block device to block device segment descriptor (SPC-4 §6.4.6.5): byte 1 DC (1), CAT (0);
     * bytes 4-5 SOURCE and 6-7 DESTINATION CSCD DESCRIPTOR ID; bytes 10-11 NUMBER OF BLOCKS (of
     * the destination when DC is set, else of the source); bytes 12-19 SOURCE and 20-27
     * DESTINATION LOGICAL BLOCK ADDRESS.
     *
     * @param offset the descriptor's byte offset in the parameter list
     */
    record Segment(int offset, boolean dc, boolean cat, int source, int destination, int blocks, long sourceLba,
            long destinationLba) {
    }

    /**
     * Parses and checks a parameter list, in the order SPC-4 §6.4.3 gives the errors: header and
     * lengths, descriptor counts, descriptor type codes, then each descriptor's fields.
     *
     * @param list the Data-Out bytes (position 0 at the header)
     * @param parameterListLength the CDB's PARAMETER LIST LENGTH (at least {@link #HEADER})
     * @return the list
     * @throws ScsiException PARAMETER LIST LENGTH ERROR when the list's lengths exceed what was sent
     *     or MAXIMUM DESCRIPTOR LIST LENGTH; TOO MANY TARGET/SEGMENT DESCRIPTORS; UNSUPPORTED
     *     TARGET/SEGMENT DESCRIPTOR TYPE CODE and INVALID FIELD IN PARAMETER LIST with the field
     *     pointer at the offending byte
     */
    static XcopyList parse(ByteBuffer list, int parameterListLength) throws ScsiException {
        ByteBuffer b = list.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        int base = b.position();
        int sent = Math.min(b.remaining(), parameterListLength);
        if (sent < HEADER) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "parameter list of " + sent + " bytes");
        }
        int listId = b.get(base) & 0xFF;
        int flags = b.get(base + 1) & 0xFF;
        // byte 1: reserved (7-6), STR (5, streams only: no effect here), LIST ID USAGE (4-3), PRIORITY (2-0)
        if ((flags & 0xC0) != 0) {
            throw invalid(1, 31 - Integer.numberOfLeadingZeros(flags & 0xC0));
        }
        int usage = (flags >> 3) & 0b11;
        if (usage == USAGE_RESERVED) {
            throw invalid(1, 4);
        }
        int targetBytes = b.getShort(base + 2) & 0xFFFF;
        for (int i = 4; i < 8; i++) {
            if (b.get(base + i) != 0) {
                throw invalid(i, -1);
            }
        }
        long segmentBytes = b.getInt(base + 8) & 0xFFFF_FFFFL;
        long inlineBytes = b.getInt(base + 12) & 0xFFFF_FFFFL;
        // SPC-4 §6.4.3.2: descriptor lists longer than MAXIMUM DESCRIPTOR LIST LENGTH
        if (targetBytes + segmentBytes > Xcopy.MAX_DESCRIPTOR_LIST_LENGTH) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR,
                    "descriptor lists of " + (targetBytes + segmentBytes) + " bytes");
        }
        if (inlineBytes > Xcopy.MAX_INLINE_DATA_LENGTH) {
            throw invalid(12, -1);
        }
        if (HEADER + targetBytes + segmentBytes + inlineBytes > sent) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "lists reach past the "
                    + sent + " bytes sent");
        }
        int segmentsAt = HEADER + targetBytes;
        int segmentsEnd = segmentsAt + (int) segmentBytes;
        // SPC-4 §6.4.3.4-§6.4.3.5: counts first (every implemented descriptor is of a fixed length)
        if (targetBytes > Xcopy.MAX_TARGET_DESCRIPTORS * TARGET_LENGTH) {
            throw new ScsiException(TOO_MANY_TARGET_DESCRIPTORS);
        }
        List<Integer> segmentOffsets = new ArrayList<>();
        for (int p = segmentsAt; p < segmentsEnd;) {
            if (segmentOffsets.size() == Xcopy.MAX_SEGMENT_DESCRIPTORS) {
                throw new ScsiException(TOO_MANY_SEGMENT_DESCRIPTORS);
            }
            if (p + 4 > segmentsEnd) {
                throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "segment descriptor cut at " + p);
            }
            segmentOffsets.add(p);
            p += 4 + (b.getShort(base + p + 2) & 0xFFFF);
        }
        if (targetBytes % TARGET_LENGTH != 0) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "CSCD descriptor list of "
                    + targetBytes + " bytes");
        }
        List<Target> targets = new ArrayList<>();
        for (int p = HEADER; p < segmentsAt; p += TARGET_LENGTH) {
            if ((b.get(base + p) & 0xFF) != IDENTIFICATION) {
                throw new ScsiException(UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE).inParameterList(p, -1);
            }
            targets.add(target(b, base, p));
        }
        List<Segment> segments = new ArrayList<>();
        for (int p : segmentOffsets) {
            if ((b.get(base + p) & 0xFF) != BLOCK_TO_BLOCK) {
                throw new ScsiException(UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE).inParameterList(p, -1);
            }
            segments.add(segment(b, base, p, segmentsEnd));
        }
        return new XcopyList(listId, usage, List.copyOf(targets), List.copyOf(segments));
    }

    /** An identification descriptor CSCD descriptor at {@code p} (see {@link Target}). */
    private static Target target(ByteBuffer b, int base, int p) throws ScsiException {
        int deviceType = b.get(base + p + 1) & 0x1F;
        if (deviceType != 0) {
            // only block device parameters (SPC-4 §6.4.5.6.1) are implemented
            throw invalid(p + 1, 4);
        }
        // designation descriptor (SPC-4 §7.8.6.1) at byte 4: byte 0 CODE SET (3-0); byte 1 PIV (7),
        // ASSOCIATION (5-4), DESIGNATOR TYPE (3-0); byte 3 DESIGNATOR LENGTH
        int d = p + 4;
        int codeSet = b.get(base + d) & 0x0F;
        int association = (b.get(base + d + 1) >> 4) & 0b11;
        int type = b.get(base + d + 1) & 0x0F;
        int length = b.get(base + d + 3) & 0xFF;
        if (length > 16) {
            // the designator must fit the 20 bytes of the field
            throw invalid(d + 3, -1);
        }
        if (association != 0) {
            // SPC-4 §6.4.5.2: the designator names a logical unit
            throw invalid(d + 1, 5);
        }
        Long naa = null;
        byte[] extended = null;
        if (type == TYPE_NAA) {
            if (codeSet != CODE_SET_BINARY) {
                throw invalid(d, 3);
            }
            // NAA field (first nibble): 2h, 3h, 5h are 8 bytes long, 6h is 16 (SPC-4 §7.8.6.6)
            int naaField = (b.get(base + d + 4) >> 4) & 0x0F;
            int expected = naaField == 6 ? 16 : 8;
            if (length != expected) {
                throw invalid(d + 3, -1);
            }
            if (expected == 8) {
                naa = b.getLong(base + d + 4);
            } else {
                extended = new byte[16];
                b.get(base + d + 4, extended);
                naa = NaaDesignators.localIdOf(extended);
            }
        }
        // device type specific parameters: byte 28 PAD (2), bytes 29-31 DISK BLOCK LENGTH
        int blockLength = ((b.get(base + p + 29) & 0xFF) << 16) | ((b.get(base + p + 30) & 0xFF) << 8)
                | (b.get(base + p + 31) & 0xFF);
        return new Target(p, naa, extended, blockLength);
    }

    /** A block device to block device segment descriptor at {@code p} (see {@link Segment}). */
    private static Segment segment(ByteBuffer b, int base, int p, int end) throws ScsiException {
        int length = b.getShort(base + p + 2) & 0xFFFF;
        if (length != SEGMENT_LENGTH - 4) {
            throw invalid(p + 2, -1);
        }
        if (p + SEGMENT_LENGTH > end) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "segment descriptor cut at " + p);
        }
        int flags = b.get(base + p + 1) & 0xFF;
        if ((flags & 0xFC) != 0) {
            throw invalid(p + 1, 31 - Integer.numberOfLeadingZeros(flags & 0xFC));
        }
        return new Segment(p, (flags & 0x02) != 0, (flags & 0x01) != 0, b.getShort(base + p + 4) & 0xFFFF,
                b.getShort(base + p + 6) & 0xFFFF, b.getShort(base + p + 10) & 0xFFFF, b.getLong(base + p + 12),
                b.getLong(base + p + 20));
    }

    private static ScsiException invalid(int byteIndex, int bit) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(byteIndex, bit);
    }
}
