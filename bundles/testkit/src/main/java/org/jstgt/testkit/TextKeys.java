package org.jstgt.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text data segments of Login and Text PDUs (RFC 7143 §6.1): {@code key=value} pairs, each ended by
 * a NUL byte, UTF-8. Keys may repeat (SendTargets answers repeat TargetName and TargetAddress), so
 * a parsed segment is an ordered list of pairs.
 */
public final class TextKeys {
    private TextKeys() {
    }

    /** One {@code key=value} pair. */
    public record Pair(String key, String value) {
    }

    /**
     * Encodes pairs as NUL-terminated {@code key=value} strings.
     *
     * @param pairs the pairs, in order
     * @return the data segment (no padding)
     */
    public static byte[] encode(Map<String, String> pairs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            String k = e.getKey();
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad key '" + k + "'");
            }
            String v = e.getValue();
            if (v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("NUL in value of " + k);
            }
            sb.append(k).append('=').append(v).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a text data segment.
     *
     * @param data the data segment (padding excluded)
     * @return the pairs in order
     * @throws IllegalArgumentException when a pair has no {@code =} or the last pair is not
     *     NUL-terminated (RFC 7143 §6.1: every key=value pair, the last included, ends with NUL)
     */
    public static List<Pair> parse(byte[] data) {
        List<Pair> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] != 0) {
                continue;
            }
            if (i > start) {
                String s = new String(data, start, i - start, StandardCharsets.UTF_8);
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("text pair without key=value: '" + s + "'");
                }
                out.add(new Pair(s.substring(0, eq), s.substring(eq + 1)));
            }
            start = i + 1;
        }
        if (start < data.length) {
            throw new IllegalArgumentException("text data not NUL-terminated: '"
                    + new String(data, start, data.length - start, StandardCharsets.UTF_8) + "'");
        }
        return out;
    }

    /**
     * Parses a segment whose keys do not repeat (login negotiation); the last value of a repeated
     * key wins.
     *
     * @param data the data segment
     * @return key to value, in first-seen order
     */
    public static Map<String, String> parseMap(byte[] data) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Pair p : parse(data)) {
            map.put(p.key(), p.value());
        }
        return map;
    }
}
