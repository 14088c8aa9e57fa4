package org.jstgt.scsi.pr;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.config.ScsiNames;

/**
 * An iSCSI TransportID (SPC-4 §7.6.4.6): byte 0 FORMAT CODE (7-6), reserved (5-4), PROTOCOL
 * IDENTIFIER (3-0) = 5h; byte 1 reserved; bytes 2-3 ADDITIONAL LENGTH (a multiple of 4); then the
 * iSCSI name, null terminated and null padded. Format 00b names an initiator device (every port of
 * it); format 01b names one initiator port: the name, the separator {@code ,i,0x} and the ISID as 12
 * hex digits. Parsing is strict: anything else is INVALID FIELD IN PARAMETER LIST pointing at the
 * field, and a TransportID running past its list is a PARAMETER LIST LENGTH ERROR.
 *
 * @param initiatorName the initiator name, lower case
 * @param isid the ISID (12 hex digits, lower case) for format 01b, null for format 00b
 */
public record TransportId(String initiatorName, String isid) {
    /** PROTOCOL IDENTIFIER of iSCSI (SPC-4 §7.6.1). */
    static final int ISCSI = 0x5;
    private static final int FORMAT_DEVICE = 0b00;
    private static final int FORMAT_PORT = 0b01;
    private static final Pattern ISID = Pattern.compile("[0-9a-fA-F]{12}");
    /** The smallest ADDITIONAL LENGTH this side writes (SPC-4 §7.6.4.6: at least 20). */
    private static final int MIN_ADDITIONAL_LENGTH = 20;

    /** @return the TransportID of an I_T nexus's initiator port (format 01b when it has an ISID) */
    static TransportId of(Registration r) {
        return new TransportId(r.initiatorName(), r.isid());
    }

    /** @return true when it names an initiator port of {@code n}'s initiator that {@code n} uses */
    boolean names(ItNexus n) {
        return initiatorName.equals(n.initiatorName()) && (isid == null || isid.equals(n.isid()));
    }

    /**
     * Reads the TransportIDs that fill {@code list[from..to)}.
     *
     * @param list the parameter list
     * @param from the first TransportID's offset
     * @param to the end of the TransportIDs
     * @return the TransportIDs in order
     * @throws ScsiException as {@link #parse}
     */
    static List<TransportId> parseAll(byte[] list, int from, int to) throws ScsiException {
        List<TransportId> ids = new ArrayList<>();
        int at = from;
        while (at < to) {
            ids.add(parse(list, at, to));
            at += 4 + u16(list, at + 2);
        }
        return ids;
    }

    /**
     * @param list the parameter list
     * @param at the TransportID's offset
     * @param end the end of the bytes it may use
     * @return the TransportID
     * @throws ScsiException PARAMETER LIST LENGTH ERROR when it runs past {@code end}; INVALID FIELD IN
     *     PARAMETER LIST for another protocol, a reserved format or bit, an ADDITIONAL LENGTH not a
     *     multiple of 4, a name that is not null terminated and padded or not an iSCSI name, a bad
     *     separator or ISID
     */
    static TransportId parse(byte[] list, int at, int end) throws ScsiException {
        if (at + 4 > end) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "a partial TransportID header");
        }
        int b0 = list[at] & 0xFF;
        if ((b0 & 0x0F) != ISCSI) {
            throw invalid(at, 3, "PROTOCOL IDENTIFIER " + (b0 & 0x0F) + " is not iSCSI");
        }
        if ((b0 & 0x30) != 0) {
            throw invalid(at, 5, "reserved bits");
        }
        int format = b0 >>> 6;
        if (format != FORMAT_DEVICE && format != FORMAT_PORT) {
            throw invalid(at, 7, "FORMAT CODE " + format);
        }
        if (list[at + 1] != 0) {
            throw invalid(at + 1, -1, "reserved byte");
        }
        int length = u16(list, at + 2);
        if (length == 0 || length % 4 != 0) {
            throw invalid(at + 2, -1, "ADDITIONAL LENGTH " + length + " is not a positive multiple of 4");
        }
        int start = at + 4;
        if (start + length > end) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "a TransportID runs past its list");
        }
        int nul = start;
        while (nul < start + length && list[nul] != 0) {
            nul++;
        }
        if (nul == start + length) {
            throw invalid(start, -1, "the iSCSI name is not null terminated");
        }
        for (int i = nul + 1; i < start + length; i++) {
            if (list[i] != 0) {
                throw invalid(i, -1, "the pad after the iSCSI name is not null");
            }
        }
        String text = utf8(list, start, nul - start);
        if (format == FORMAT_DEVICE) {
            if (text.toLowerCase(Locale.ROOT).contains(ItNexus.ISID_SEPARATOR)) {
                throw invalid(start, -1, "a format 00b TransportID names a port");
            }
            return new TransportId(name(text, start), null);
        }
        int sep = text.toLowerCase(Locale.ROOT).lastIndexOf(ItNexus.ISID_SEPARATOR);
        if (sep <= 0) {
            throw invalid(start, -1, "no ',i,0x' separator in a format 01b TransportID");
        }
        String isid = text.substring(sep + ItNexus.ISID_SEPARATOR.length());
        int isidAt = start + text.substring(0, sep + ItNexus.ISID_SEPARATOR.length())
                .getBytes(StandardCharsets.UTF_8).length;
        if (!ISID.matcher(isid).matches()) {
            throw invalid(isidAt, -1, "the ISID is not 12 hex digits");
        }
        return new TransportId(name(text.substring(0, sep), start), isid.toLowerCase(Locale.ROOT));
    }

    /** @return the TransportID's bytes, padded to a multiple of 4 and at least 24 bytes */
    byte[] encode() {
        byte[] name = (isid == null ? initiatorName : initiatorName + ItNexus.ISID_SEPARATOR + isid)
                .getBytes(StandardCharsets.UTF_8);
        int length = Math.max(MIN_ADDITIONAL_LENGTH, (name.length + 1 + 3) & ~3);
        byte[] b = new byte[4 + length];
        b[0] = (byte) ((isid == null ? FORMAT_DEVICE : FORMAT_PORT) << 6 | ISCSI);
        b[2] = (byte) (length >>> 8);
        b[3] = (byte) length;
        System.arraycopy(name, 0, b, 4, name.length);
        return b;
    }

    private static String name(String text, int at) throws ScsiException {
        if (!text.equals(text.trim())) {
            throw invalid(at, -1, "blanks around the iSCSI name");
        }
        try {
            return ScsiNames.validate("TransportID", text);
        } catch (ConfigException e) {
            throw invalid(at, -1, e.getMessage());
        }
    }

    private static String utf8(byte[] b, int at, int length) throws ScsiException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b, at, length)).toString();
        } catch (CharacterCodingException e) {
            throw invalid(at, -1, "the iSCSI name is not UTF-8");
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static ScsiException invalid(int at, int bit, String why) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, "TransportID: " + why)
                .inParameterList(at, bit);
    }
}
