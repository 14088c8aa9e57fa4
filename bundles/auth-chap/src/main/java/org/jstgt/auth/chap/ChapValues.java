package org.jstgt.auth.chap;

import java.util.Base64;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * Encoding and decoding of CHAP key values (RFC 7143 §6.1): numbers ({@code CHAP_A} entries,
 * {@code CHAP_I}) as decimal or {@code 0x} hex constants, binary values ({@code CHAP_C},
 * {@code CHAP_R}) as {@code 0x}/{@code 0X} hex or {@code 0b}/{@code 0B} base64 constants.
 * Decoding is strict, and no message of an exception carries the value: callers name the key.
 */
public final class ChapValues {
    /** RFC 7143 §12.1.3: the binary length of {@code CHAP_C} and {@code CHAP_R} is at most 1024 bytes. */
    public static final int MAX_BINARY = 1024;

    private static final HexFormat HEX = HexFormat.of();

    private ChapValues() {
    }

    /**
     * Decodes a binary value.
     *
     * <p>A hex constant must have an even number of digits. RFC 7143 §6.1 gives an odd count a
     * length of (n+1)/2 bytes, an implicit leading zero nibble; CHAP challenges and responses are
     * whole octet strings that initiators encode byte by byte, so an odd count here is refused
     * rather than guessed at. Base64 follows RFC 4648 (padding optional, no line breaks).
     *
     * @param value the value as received
     * @return the bytes, 1 to {@link #MAX_BINARY} of them
     * @throws IllegalArgumentException when the value is not such a constant (the message says why,
     *     never what the value was)
     */
    public static byte[] binary(String value) {
        if (value.length() < 3 || value.charAt(0) != '0') {
            throw new IllegalArgumentException("not a 0x hex or 0b base64 constant");
        }
        String body = value.substring(2);
        byte[] out;
        switch (value.charAt(1)) {
            case 'x', 'X' -> {
                if (body.length() > 2 * MAX_BINARY) {
                    throw new IllegalArgumentException("longer than " + MAX_BINARY + " bytes");
                }
                if (body.length() % 2 != 0) {
                    throw new IllegalArgumentException("odd number of hex digits");
                }
                try {
                    out = HEX.parseHex(body);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not hex digits");
                }
            }
            case 'b', 'B' -> {
                if (body.length() > (MAX_BINARY + 2) / 3 * 4) {
                    throw new IllegalArgumentException("longer than " + MAX_BINARY + " bytes");
                }
                try {
                    out = Base64.getDecoder().decode(body);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("not base64");
                }
            }
            default -> throw new IllegalArgumentException("not a 0x hex or 0b base64 constant");
        }
        if (out.length == 0 || out.length > MAX_BINARY) {
            throw new IllegalArgumentException(out.length == 0 ? "empty" : "longer than " + MAX_BINARY + " bytes");
        }
        return out;
    }

    /**
     * Decodes a numerical value (RFC 7143 §6.1: a decimal constant, or a hex constant after
     * {@code 0x}/{@code 0X}). Values beyond {@code Long.MAX_VALUE} saturate to it: every caller
     * has a much smaller range and refuses them anyway.
     *
     * @param value the value as received
     * @return the number, or empty when the text is not a number (sign, spaces, other characters)
     */
    public static OptionalLong number(String value) {
        int radix = 10;
        String digits = value;
        if (value.length() > 2 && value.charAt(0) == '0' && (value.charAt(1) == 'x' || value.charAt(1) == 'X')) {
            radix = 16;
            digits = value.substring(2);
        }
        if (digits.isEmpty()) {
            return OptionalLong.empty();
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            // Character.digit also accepts non-ASCII digits: only ASCII is a constant here
            if (d < 0 || digits.charAt(i) > 'f') {
                return OptionalLong.empty();
            }
            n = n > (Long.MAX_VALUE - d) / radix ? Long.MAX_VALUE : n * radix + d;
        }
        return OptionalLong.of(n);
    }

    /**
     * @param bytes a binary value
     * @return it as a lower-case {@code 0x} hex constant
     */
    public static String hex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }
}
