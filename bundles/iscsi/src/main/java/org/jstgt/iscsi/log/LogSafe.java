package org.jstgt.iscsi.log;

import java.nio.charset.StandardCharsets;

/**
 * Makes a string from the wire (InitiatorName, InitiatorAlias, TargetName, key names and values,
 * anything a peer sends) safe for one log line: control and other non-printable characters are
 * escaped ({@code \n}, {@code \r}, {@code \t}, {@code \\}, {@code \xNN}, <code>&#92;u{NNNN}</code>), so a
 * peer can neither forge log lines (CR/LF) nor hide text (bidirectional overrides), and the result
 * is cut at a byte bound with {@code ...} so that a long value cannot flood the log.
 */
public final class LogSafe {
    /** Bound for a name or a value: 223 bytes, the longest iSCSI name (RFC 7143 §4.2.7.1). */
    public static final int NAME = 223;
    /** Bound for a message that quotes a few peer strings. */
    public static final int MESSAGE = 1024;
    private static final String CUT = "...";

    private LogSafe() {
    }

    /**
     * @param s a peer's string, may be null
     * @return it escaped and cut at {@link #NAME} bytes
     */
    public static String of(String s) {
        return of(s, NAME);
    }

    /**
     * @param s a peer's string, may be null
     * @param maxBytes most UTF-8 bytes of the result before {@code ...} is added
     * @return it escaped and cut
     */
    public static String of(String s, int maxBytes) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), maxBytes) + CUT.length());
        int bytes = 0;
        for (int i = 0; i < s.length();) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            String piece = escape(cp);
            int size = piece == null ? utf8Length(cp) : piece.length();
            if (bytes + size > maxBytes) {
                return out.append(CUT).toString();
            }
            bytes += size;
            if (piece == null) {
                out.appendCodePoint(cp);
            } else {
                out.append(piece);
            }
        }
        return out.toString();
    }

    /** @return the escape for a code point, or null when it is printed as is */
    private static String escape(int cp) {
        switch (cp) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case '\\':
                return "\\\\";
            default:
                break;
        }
        if (cp < 0x20 || cp == 0x7f) {
            return String.format("\\x%02x", cp);
        }
        if (cp < 0x7f) {
            return null;
        }
        int type = Character.getType(cp);
        boolean hidden = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
                || type == Character.UNASSIGNED;
        return hidden ? String.format("\\u{%04x}", cp) : null;
    }

    private static int utf8Length(int cp) {
        return new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
    }
}
