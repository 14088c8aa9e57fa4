package org.jstgt.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.Sizes;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;

/**
 * The two-column tables of the {@code *-info} commands (a property and its value, in the order
 * added) and the texts they share: sizes, I/O counters, configuration keys with secrets masked.
 */
final class Facts {
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param property the row's name
     * @param value its value; null or empty shows {@code -}
     * @return this
     */
    Facts add(String property, Object value) {
        String v = value == null ? "" : value.toString();
        rows.add(new String[] {property, v.isEmpty() ? "-" : v});
        return this;
    }

    /** @return the rows as a table */
    ShellTable table() {
        ShellTable t = new ShellTable();
        t.column("Property");
        t.column("Value");
        rows.forEach(r -> t.addRow().addContent((Object[]) r));
        return t;
    }

    /**
     * @param properties a configuration's keys
     * @param emptyText what the table says when there are none
     * @return the keys sorted, values of keys naming a secret masked
     */
    static ShellTable definition(Map<String, Object> properties, String emptyText) {
        ShellTable t = new ShellTable().emptyTableText(emptyText);
        t.column("Key");
        t.column("Value");
        new java.util.TreeMap<>(properties).forEach((k, v) -> t.addRow().addContent(k,
                k.toLowerCase(Locale.ROOT).contains("secret") ? "********" : String.valueOf(v)));
        return t;
    }

    /** @return {@code 1 GiB (1073741824 bytes)} */
    static String size(long bytes) {
        return Sizes.format(bytes) + " (" + bytes + " bytes)";
    }

    /**
     * @param s cumulative counters
     * @return the commands and bytes by kind, errors by sense key, BUSY and in flight, on one line
     */
    static String io(IoStats s) {
        StringBuilder b = new StringBuilder();
        b.append(s.reads()).append(" reads (").append(Sizes.format(s.readBytes())).append("), ")
                .append(s.writes()).append(" writes (").append(Sizes.format(s.writeBytes())).append("), ")
                .append(s.others()).append(" other; ").append(s.inFlight()).append(" in flight");
        if (s.busy() > 0) {
            b.append(", ").append(s.busy()).append(" busy");
        }
        if (s.errors() > 0) {
            List<String> e = new ArrayList<>();
            new java.util.TreeMap<>(s.errorsBySenseKey()).forEach((k, v) -> e.add(k + " " + v));
            b.append("; errors: ").append(String.join(", ", e));
        }
        return b.toString();
    }

    /**
     * @param h latencies
     * @return mean, p50 and p99, or {@code -} when nothing was recorded
     */
    static String latency(LatencyHistogram h) {
        if (h.count() == 0) {
            return "-";
        }
        return "mean " + micros(h.meanNanos()) + ", p50 " + micros(h.percentileNanos(0.5)) + ", p99 "
                + micros(h.percentileNanos(0.99));
    }

    private static String micros(long nanos) {
        return nanos >= 10_000_000 ? nanos / 1_000_000 + " ms" : String.format(Locale.ROOT, "%.1f us", nanos / 1000.0);
    }

    /** @return {@code 0x0001} */
    static String tsih(int tsih) {
        return String.format("0x%04x", tsih);
    }

    /**
     * @param text a TSIH as typed: decimal or {@code 0x} hexadecimal
     * @return its value
     * @throws IllegalArgumentException when it is neither, or out of 1..65535
     */
    static int parseTsih(String text) {
        String t = text == null ? "" : text.trim();
        int v;
        try {
            v = t.startsWith("0x") || t.startsWith("0X") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 1 || v > 0xFFFF) {
            throw new IllegalArgumentException("'" + text + "' is not a TSIH: a number 1..65535, decimal or 0x hex, "
                    + "as iscsi:session-list shows it");
        }
        return v;
    }

    /**
     * @param what what was not found, e.g. {@code no LUN 'x'}
     * @param known the names there are
     * @return the error for a name nobody knows
     */
    static IllegalArgumentException unknown(String what, List<String> known) {
        return new IllegalArgumentException(what + "; known: " + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
}
