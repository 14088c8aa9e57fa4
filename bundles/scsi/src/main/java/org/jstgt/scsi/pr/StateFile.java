package org.jstgt.scsi.pr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jstgt.scsi.config.ScsiNames;

/**
 * The text of a logical unit's saved reservations, one item a line, in this order:
 * <pre>
 * # comment lines start with '#'
 * version 1
 * launch &lt;the framework launch that wrote it (org.osgi.framework.uuid)&gt;
 * generation &lt;PRgeneration, unsigned decimal&gt;
 * aptpl &lt;0 | 1&gt;
 * registration &lt;key, 16 hex digits&gt; &lt;initiator name&gt; &lt;ISID, 12 hex digits | -&gt;
 *     &lt;target port | *&gt; &lt;relative target port id&gt;
 * reservation &lt;TYPE, hex&gt; &lt;index of the holding registration, from 0&gt;
 * end
 * </pre>
 * with one {@code registration} line per registration (a {@code -} ISID: every port of the
 * initiator; a {@code *} target port: ALL_TG_PT) and at most one {@code reservation} line. Reading is
 * strict: an unknown or missing line, a bad field, overlapping registrations or anything after
 * {@code end} make the file corrupt. The SPC-2 reservation is never written.
 */
final class StateFile {
    static final int VERSION = 1;
    private static final Pattern SPACE = Pattern.compile(" ");
    private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern ISID = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern TARGET_PORT = Pattern.compile("\\S+,t,0x[0-9a-f]{4}");
    private static final Pattern TOKEN = Pattern.compile("\\S+");

    /**
     * @param launch the framework launch that wrote the file
     * @param state what it holds (the SPC-2 reservation empty)
     */
    record Saved(String launch, PrState state) {
    }

    /** A file that cannot be read as this format. */
    static final class Corrupt extends Exception {
        private static final long serialVersionUID = 1L;

        Corrupt(int line, String why) {
            super("line " + line + ": " + why, null, false, false);
        }
    }

    private StateFile() {
    }

    static String encode(PrState s, String launch) {
        StringBuilder b = new StringBuilder(128 + 160 * s.registrations().size());
        b.append("# jstgt persistent reservations (SPC-4 5.13), written by the SCSI core: do not edit\n");
        b.append("version ").append(VERSION).append('\n');
        b.append("launch ").append(launch).append('\n');
        b.append("generation ").append(Integer.toUnsignedString(s.generation())).append('\n');
        b.append("aptpl ").append(s.aptpl() ? 1 : 0).append('\n');
        for (Registration r : s.registrations()) {
            b.append("registration ").append(String.format("%016x", r.key())).append(' ').append(r.initiatorName())
                    .append(' ').append(r.isid() == null ? "-" : r.isid()).append(' ')
                    .append(r.allTargetPorts() ? "*" : r.targetPort()).append(' ').append(r.relativeTargetPortId())
                    .append('\n');
        }
        Reservation res = s.reservation();
        if (res != null) {
            b.append("reservation ").append(Integer.toHexString(res.type().code())).append(' ')
                    .append(s.registrations().indexOf(res.holder())).append('\n');
        }
        return b.append("end\n").toString();
    }

    /**
     * @param lines the file's lines
     * @param max the most registrations a logical unit holds
     * @return what it holds
     * @throws Corrupt when it is not a file of this format
     */
    static Saved decode(List<String> lines, int max) throws Corrupt {
        Reader in = new Reader(lines);
        if (!in.field("version").equals(Integer.toString(VERSION))) {
            throw new Corrupt(in.line, "version " + in.last + " is not " + VERSION);
        }
        String launch = in.field("launch");
        if (!TOKEN.matcher(launch).matches()) {
            throw new Corrupt(in.line, "launch '" + launch + "'");
        }
        int generation;
        try {
            generation = Integer.parseUnsignedInt(in.field("generation"));
        } catch (NumberFormatException e) {
            throw new Corrupt(in.line, "generation '" + in.last + "'");
        }
        String aptpl = in.field("aptpl");
        if (!aptpl.equals("0") && !aptpl.equals("1")) {
            throw new Corrupt(in.line, "aptpl '" + aptpl + "'");
        }
        List<Registration> regs = new ArrayList<>();
        Reservation res = null;
        String[] next = in.next();
        while (next[0].equals("registration")) {
            Registration r = registration(next, in.line);
            for (Registration x : regs) {
                if (x.overlaps(r)) {
                    throw new Corrupt(in.line, "the registration overlaps an earlier one");
                }
            }
            regs.add(r);
            if (regs.size() > max) {
                throw new Corrupt(in.line, "more than " + max + " registrations");
            }
            next = in.next();
        }
        if (next[0].equals("reservation")) {
            res = reservation(next, regs, in.line);
            next = in.next();
        }
        if (!next[0].equals("end") || next.length != 1) {
            throw new Corrupt(in.line, "'" + String.join(" ", next) + "' where 'end' belongs");
        }
        in.expectEnd();
        return new Saved(launch, new PrState(generation, regs, res, aptpl.equals("1"), null));
    }

    private static Registration registration(String[] f, int line) throws Corrupt {
        if (f.length != 6 || !HEX16.matcher(f[1]).matches()) {
            throw new Corrupt(line, "a registration is 'registration <key> <initiator> <isid|-> <port|*> <rtpi>'");
        }
        long key = Long.parseUnsignedLong(f[1], 16);
        if (key == 0) {
            throw new Corrupt(line, "reservation key 0");
        }
        // the name as the login took it (RFC 3720 §3.2.6.1: at most 223 bytes), in lower case
        String name = f[2];
        if (!name.equals(name.toLowerCase(Locale.ROOT))
                || name.getBytes(StandardCharsets.UTF_8).length > ScsiNames.MAX_BYTES
                || !f[3].equals("-") && !ISID.matcher(f[3]).matches()
                || !f[4].equals("*") && !TARGET_PORT.matcher(f[4]).matches()) {
            throw new Corrupt(line, "initiator, ISID or target port");
        }
        int rtpi;
        try {
            rtpi = Integer.parseInt(f[5]);
        } catch (NumberFormatException e) {
            throw new Corrupt(line, "relative target port id '" + f[5] + "'");
        }
        if (rtpi < 0 || rtpi > 0xFFFF || (rtpi == 0) != f[4].equals("*")) {
            throw new Corrupt(line, "relative target port id " + rtpi + " for port " + f[4]);
        }
        return new Registration(key, name, f[3].equals("-") ? null : f[3], f[4].equals("*") ? null : f[4], rtpi);
    }

    private static Reservation reservation(String[] f, List<Registration> regs, int line) throws Corrupt {
        try {
            PrType type = f.length == 3 ? PrType.of(Integer.parseInt(f[1], 16)) : null;
            int holder = f.length == 3 ? Integer.parseInt(f[2]) : -1;
            if (type == null || holder < 0 || holder >= regs.size()) {
                throw new Corrupt(line, "a reservation is 'reservation <type> <registration index>'");
            }
            return new Reservation(type, regs.get(holder));
        } catch (NumberFormatException e) {
            throw new Corrupt(line, "a reservation is 'reservation <type> <registration index>'");
        }
    }

    /** Lines one by one, comment lines skipped. */
    private static final class Reader {
        private final List<String> lines;
        private int index;
        int line;
        String last;

        Reader(List<String> lines) {
            this.lines = lines;
        }

        String[] next() throws Corrupt {
            while (index < lines.size()) {
                String l = lines.get(index++);
                line = index;
                if (!l.startsWith("#")) {
                    if (l.isEmpty() || !l.equals(l.strip()) || l.contains("  ")) {
                        throw new Corrupt(line, "blank or badly spaced line");
                    }
                    return SPACE.split(l);
                }
            }
            throw new Corrupt(lines.size(), "the file ends before 'end'");
        }

        /** @return the value of the next line, which must be {@code <name> <value>} */
        String field(String name) throws Corrupt {
            String[] f = next();
            if (f.length != 2 || !f[0].equals(name)) {
                throw new Corrupt(line, "'" + name + " <value>' expected");
            }
            last = f[1];
            return f[1];
        }

        void expectEnd() throws Corrupt {
            while (index < lines.size()) {
                if (!lines.get(index++).isEmpty()) {
                    throw new Corrupt(index, "text after 'end'");
                }
            }
        }
    }
}
