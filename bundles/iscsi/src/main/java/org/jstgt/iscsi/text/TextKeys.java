package org.jstgt.iscsi.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Text segment syntax (RFC 7143 §6.1): {@code key=value} pairs, each terminated by a NUL, UTF-8.
 * Key names are at most 63 bytes of letters, digits, {@code . - + @ _} (§6.1); values at most 8192
 * bytes here (individual keys have tighter limits in {@link LoginKey}).
 */
public final class TextKeys {
    static final int MAX_KEY_LENGTH = 63;
    static final int MAX_VALUE_LENGTH = 8192;

    /** A malformed text segment (RFC 7143 §6.1). */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    private TextKeys() {
    }

    /**
     * @param bytes the complete text (all continuation PDUs joined)
     * @return pairs in order, duplicates kept
     * @throws SyntaxException when a pair is malformed
     */
    public static List<Map.Entry<String, String>> parse(byte[] bytes) throws SyntaxException {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            if (end == bytes.length) {
                throw new SyntaxException("text not terminated by NUL");
            }
            if (end == start) {
                // Padding-like stray NULs between pairs carry nothing; tolerate them.
                start = end + 1;
                continue;
            }
            String pair = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new SyntaxException("'" + abbreviate(pair) + "' is not key=value");
            }
            String key = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (key.length() > MAX_KEY_LENGTH || !validKeyName(key)) {
                throw new SyntaxException("invalid key name '" + abbreviate(key) + "'");
            }
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_LENGTH) {
                throw new SyntaxException("value of " + key + " longer than " + MAX_VALUE_LENGTH + " bytes");
            }
            pairs.add(Map.entry(key, value));
            start = end + 1;
        }
        return pairs;
    }

    static boolean validKeyName(String key) {
        // Public extension keys (RFC 7143 §13, extension key formats; X#NodeArchitecture is one)
        // carry a '#' after their leading X, Y or Z: parsed, then answered NotUnderstood.
        int from = key.length() > 2 && key.charAt(1) == '#' && "XYZ".indexOf(key.charAt(0)) >= 0 ? 2 : 0;
        for (int i = from; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '+' || c == '@' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return !key.isEmpty();
    }

    /**
     * @param pairs key/value pairs in order
     * @return the encoded text
     */
    public static byte[] encode(List<Map.Entry<String, String>> pairs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pairs) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ByteBuf toBuf(ByteBufAllocator alloc, byte[] bytes, int offset, int length) {
        ByteBuf b = alloc.buffer(length);
        b.writeBytes(bytes, offset, length);
        return b;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
