package org.jstgt.shell.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One istgt configuration file ({@code istgt.conf} or {@code auth.conf}) as istgt reads it:
 * sections {@code [Name<N>]} holding keys, each key with its values and the line it starts on.
 * Syntax: leading blanks are dropped, a line starting with {@code #} is a comment, a line ending
 * with {@code \} continues on the next, values are separated by blanks and may be quoted with
 * {@code "..."} (backslash escapes inside) or {@code '...'}; keys and section names are
 * case-insensitive; a section named twice continues the first.
 *
 * @param file the file name, for messages
 * @param sections the sections in file order
 */
public record IstgtConf(String file, List<Section> sections) {
    /** The section kinds istgt knows, by name prefix. */
    public static final List<String> KINDS = List.of("Global", "UnitControl", "PortalGroup", "InitiatorGroup",
            "LogicalUnit", "AuthGroup");
    private static final Pattern SECTION = Pattern.compile("([A-Za-z]+)(\\d*)");

    public IstgtConf {
        sections = List.copyOf(sections);
    }

    /**
     * One key line.
     *
     * @param key the key as written
     * @param values its values, unquoted
     * @param line the line it starts on
     */
    public record Entry(String key, List<String> values, int line) {
        public Entry {
            values = List.copyOf(values);
        }

        /** @return value {@code i}, or null */
        public String value(int i) {
            return i < values.size() ? values.get(i) : null;
        }

        /** @return true when the key is {@code name}, in any case */
        public boolean is(String name) {
            return key.equalsIgnoreCase(name);
        }
    }

    /**
     * One section.
     *
     * @param kind one of {@link #KINDS}, as spelt there
     * @param number its group number (the tag), 0 when it has none
     * @param name the name as written
     * @param line the line of its header
     * @param entries its keys in file order
     */
    public record Section(String kind, int number, String name, int line, List<Entry> entries) {
        /** @return every entry of that key, in order */
        public List<Entry> all(String key) {
            return entries.stream().filter(e -> e.is(key)).toList();
        }

        /** @return the first entry of that key */
        public Optional<Entry> first(String key) {
            return entries.stream().filter(e -> e.is(key)).findFirst();
        }
    }

    /** A line istgt would not read; names the file and line. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String file, int line, String why) {
            super(file + ":" + line + ": " + why);
        }
    }

    /** @return the sections of one kind */
    public List<Section> sections(String kind) {
        return sections.stream().filter(s -> s.kind().equals(kind)).toList();
    }

    /** @return the first section of a kind */
    public Optional<Section> section(String kind) {
        return sections(kind).stream().findFirst();
    }

    /**
     * @param file the file
     * @return its sections
     * @throws ParseException naming the file and line of the first line that cannot be read
     */
    public static IstgtConf read(Path file) throws IOException, ParseException {
        return parse(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /**
     * @param file the file name, for messages
     * @param text its content
     * @return its sections
     * @throws ParseException naming the file and line of the first line that cannot be read
     */
    public static IstgtConf parse(String file, String text) throws ParseException {
        String[] lines = text.split("\r?\n", -1);
        Map<String, Builder> byName = new LinkedHashMap<>();
        Builder current = null;
        for (int i = 0; i < lines.length; i++) {
            int start = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            StringBuilder joined = new StringBuilder();
            while (line.endsWith("\\") && i + 1 < lines.length) {
                joined.append(line, 0, line.length() - 1);
                line = lines[++i].strip();
            }
            joined.append(line);
            String l = joined.toString();
            if (l.startsWith("[")) {
                int close = l.indexOf(']');
                if (close < 0 || close != l.length() - 1) {
                    throw new ParseException(file, start, "broken section header '" + l + "': expected [Name] alone "
                            + "on the line");
                }
                String name = l.substring(1, close).strip();
                Matcher m = SECTION.matcher(name);
                String kind = m.matches() ? KINDS.stream().filter(k -> k.equalsIgnoreCase(m.group(1))).findFirst()
                        .orElse(null) : null;
                if (kind == null) {
                    throw new ParseException(file, start, "unknown section [" + name + "]: expected one of "
                            + String.join(", ", KINDS) + ", followed by a group number where istgt needs one");
                }
                int number = m.group(2).isEmpty() ? 0 : parseNumber(file, start, m.group(2));
                current = byName.computeIfAbsent(name.toLowerCase(Locale.ROOT),
                        k -> new Builder(kind, number, name, start));
                continue;
            }
            if (current == null) {
                throw new ParseException(file, start, "'" + l + "' before any [section]");
            }
            List<String> tokens = tokens(file, start, l);
            current.entries.add(new Entry(tokens.get(0), tokens.subList(1, tokens.size()), start));
        }
        List<Section> out = new ArrayList<>();
        for (Builder b : byName.values()) {
            out.add(new Section(b.kind, b.number, b.name, b.line, List.copyOf(b.entries)));
        }
        return new IstgtConf(file, out);
    }

    private static int parseNumber(String file, int line, String digits) throws ParseException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ParseException(file, line, "group number " + digits + " is too large");
        }
    }

    /** Splits a key line at blanks; quotes group, backslash escapes one character. */
    private static List<String> tokens(String file, int line, String l) throws ParseException {
        List<String> out = new ArrayList<>();
        StringBuilder t = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < l.length()) {
                    t.append(l.charAt(++i));
                } else {
                    t.append(c);
                }
            } else if (c == ' ' || c == '\t') {
                if (inToken) {
                    out.add(t.toString());
                    t.setLength(0);
                    inToken = false;
                }
            } else {
                inToken = true;
                if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '\\' && i + 1 < l.length()) {
                    t.append(l.charAt(++i));
                } else {
                    t.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new ParseException(file, line, "unterminated " + quote + " quote");
        }
        if (inToken) {
            out.add(t.toString());
        }
        return out;
    }

    private static final class Builder {
        final String kind;
        final int number;
        final String name;
        final int line;
        final List<Entry> entries = new ArrayList<>();

        Builder(String kind, int number, String name, int line) {
            this.kind = kind;
            this.number = number;
            this.name = name;
            this.line = line;
        }
    }
}
