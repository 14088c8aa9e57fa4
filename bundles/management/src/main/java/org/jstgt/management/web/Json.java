package org.jstgt.management.web;

import java.util.Collection;
import java.util.Map;

/**
 * A small JSON writer for the overview: objects, arrays, strings, numbers and booleans, with the
 * escaping RFC 8259 §7 requires. Non-finite numbers are written as {@code null}.
 */
final class Json {
    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the current object or array needs a comma before its next member. */
    private boolean comma;

    /** @return the text written so far */
    @Override
    public String toString() {
        return out.toString();
    }

    Json beginObject() {
        separate();
        out.append('{');
        comma = false;
        return this;
    }

    Json endObject() {
        out.append('}');
        comma = true;
        return this;
    }

    Json beginArray() {
        separate();
        out.append('[');
        comma = false;
        return this;
    }

    Json endArray() {
        out.append(']');
        comma = true;
        return this;
    }

    /** Starts a member of the current object: the value follows. */
    Json name(String name) {
        separate();
        string(name);
        out.append(':');
        comma = false;
        return this;
    }

    Json value(String s) {
        separate();
        string(s == null ? "" : s);
        comma = true;
        return this;
    }

    Json value(long n) {
        separate();
        out.append(n);
        comma = true;
        return this;
    }

    Json value(double d) {
        separate();
        if (Double.isFinite(d)) {
            out.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
        } else {
            out.append("null");
        }
        comma = true;
        return this;
    }

    Json value(boolean b) {
        separate();
        out.append(b);
        comma = true;
        return this;
    }

    Json strings(Collection<String> values) {
        beginArray();
        values.forEach(this::value);
        return endArray();
    }

    Json longs(Map<String, Long> values) {
        beginObject();
        values.forEach((k, v) -> name(k).value(v));
        return endObject();
    }

    private void separate() {
        if (comma) {
            out.append(',');
            comma = false;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<' -> out.append("\\u003c"); // never a closing script tag, should it ever be inlined
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
