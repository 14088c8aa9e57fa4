package org.jstgt.shell.importer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jstgt.shell.importer.IstgtConf.Entry;
import org.jstgt.shell.importer.IstgtConf.Section;

/**
 * What the parts of an istgt conversion share: the findings of the file being converted, and the
 * readers of istgt's value forms (Yes/No, seconds, {@code <Kind><N>} group references) that report
 * a bad value as an error naming the line.
 */
abstract class IstgtReader {
    private static final Pattern GROUP_REF = Pattern.compile("([A-Za-z]+?)(\\d+)");

    /** Notes and errors of the conversion. */
    final Findings found;

    IstgtReader(Findings found) {
        this.found = found;
    }

    final Integer groupRef(Section s, Entry e, String value, String kind) {
        Matcher m = value == null ? null : GROUP_REF.matcher(value);
        if (m == null || !m.matches() || !m.group(1).equalsIgnoreCase(kind) || Integer.parseInt(m.group(2)) < 1) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + value + "' is not " + kind + "<N> with N >= 1");
            return null;
        }
        return Integer.parseInt(m.group(2));
    }

    final boolean yesNo(Section s, Entry e) {
        String v = required(s, e, 0);
        if (v != null && !v.equalsIgnoreCase("Yes") && !v.equalsIgnoreCase("No")) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + v + "' is not Yes or No");
        }
        return "Yes".equalsIgnoreCase(v);
    }

    final String seconds(Section s, Entry e) {
        String v = required(s, e, 0);
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 3600) {
                return Integer.toString(n);
            }
        } catch (NumberFormatException ex) {
            // below
        }
        error(e.line(), "[" + s.name() + "] " + e.key() + ": '" + v + "' is not a number of seconds in 0..3600");
        return null;
    }

    final String required(Section s, Entry e, int i) {
        String v = e.value(i);
        if (v == null) {
            error(e.line(), "[" + s.name() + "] " + e.key() + ": missing value");
        }
        return v;
    }

    final void note(Section s, Entry e, String why) {
        found.note(s, e, why);
    }

    final void note(String where, String section, String key, String why) {
        found.note(where, section, key, why);
    }

    final void error(int line, String why) {
        found.error(line, why);
    }

    final String where(int line) {
        return found.where(line);
    }
}
