package org.jstgt.device.changer;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jstgt.scsi.spc.DurableFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A library's contents in {@code <dir>/<lun>.state}, replaced whole on every change: written to a
 * temporary file, forced, renamed over the old one, and the directory forced, so that a crash
 * leaves the old contents or the new. Text, one fact a line:
 * <pre>
 * jstgt-changer 1
 * launch &lt;org.osgi.framework.uuid of the launch that wrote it&gt;
 * media &lt;changer.media it was written under&gt;
 * element slot:3 JST001L4.tape 4096 0     (element key, file, source address or -, IMPEXP 0/1)
 * element drive:tape0 JST002L4.tape 4097 0
 * prevent &lt;initiator port&gt; &lt;target port&gt;   (URL-encoded; PREVENT of the import/export elements)
 * </pre>
 * Elements are keyed by type and ordinal, drives by LUN name, so that a changed
 * {@code changer.drives} finds each drive's cartridge.
 */
final class StateFile {
    private static final Logger LOG = LoggerFactory.getLogger(StateFile.class);
    private static final String MAGIC = "jstgt-changer 1";

    /**
     * The saved contents.
     *
     * @param launch the framework launch that wrote it
     * @param media the {@code changer.media} value it was written under
     * @param elements holdings by element key ({@code slot:3}, {@code mail:1}, {@code drive:tape0})
     * @param preventers I_T nexuses preventing removal through the import/export elements,
     *     {@code <initiator port> <target port>}
     */
    record Saved(String launch, String media, Map<String, Holding> elements, Set<String> preventers) {
        Saved {
            elements = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(elements));
            preventers = Set.copyOf(preventers);
        }
    }

    private final Path file;

    /** @param file the state file, or null to keep the state nowhere */
    StateFile(Path file) {
        this.file = file;
    }

    /** @return the file of a LUN in a directory, or null when {@code dir} is null */
    static Path of(Path dir, String lun) {
        if (dir == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (byte c : lun.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xFF));
            }
        }
        return dir.resolve(b.append(".state").toString());
    }

    Path path() {
        return file;
    }

    /**
     * @return the saved contents; empty when there is no file (a first start) or it cannot be read
     *     (logged with its path)
     */
    Optional<Saved> read() {
        if (file == null) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("the changer state in {} is ignored: {}", file, e.toString());
            return Optional.empty();
        }
        try {
            return Optional.of(decode(lines));
        } catch (IllegalArgumentException e) {
            LOG.warn("the changer state in {} is ignored: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    static Saved decode(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
            throw new IllegalArgumentException("not a changer state file of this version");
        }
        String launch = "";
        String media = "";
        Map<String, Holding> elements = new LinkedHashMap<>();
        Set<String> preventers = new LinkedHashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(" ");
            switch (f[0]) {
                case "launch" -> launch = f.length > 1 ? f[1] : "";
                case "media" -> media = f.length > 1 ? decodeText(f[1]) : "";
                case "element" -> {
                    if (f.length != 5) {
                        throw new IllegalArgumentException("line " + (i + 1) + ": '" + line + "'");
                    }
                    String name = f[2];
                    int source;
                    try {
                        source = f[3].equals("-") ? -1 : Integer.parseInt(f[3]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("line " + (i + 1) + ": '" + line + "'");
                    }
                    elements.put(f[1], new Holding(new Cartridge(name, MediaDirectory.barcode(name)), source,
                            f[4].equals("1")));
                }
                case "prevent" -> {
                    if (f.length != 3) {
                        throw new IllegalArgumentException("line " + (i + 1) + ": '" + line + "'");
                    }
                    preventers.add(decodeText(f[1]) + " " + decodeText(f[2]));
                }
                default -> throw new IllegalArgumentException("line " + (i + 1) + ": '" + line + "'");
            }
        }
        return new Saved(launch, media, elements, preventers);
    }

    static String encode(Saved s) {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("launch ").append(s.launch()).append('\n');
        b.append("media ").append(encodeText(s.media())).append('\n');
        for (Map.Entry<String, Holding> e : s.elements().entrySet()) {
            Holding h = e.getValue();
            b.append("element ").append(e.getKey()).append(' ').append(h.cartridge().file()).append(' ')
                    .append(h.source() < 0 ? "-" : Integer.toString(h.source())).append(' ')
                    .append(h.imported() ? '1' : '0').append('\n');
        }
        for (String p : s.preventers()) {
            String[] n = p.split(" ", 2);
            b.append("prevent ").append(encodeText(n[0])).append(' ').append(encodeText(n.length > 1 ? n[1] : ""))
                    .append('\n');
        }
        return b.toString();
    }

    /**
     * Replaces the file (blocking: call on a worker).
     *
     * @param s the contents
     * @throws IOException when it cannot be written
     */
    void write(Saved s) throws IOException {
        if (file == null) {
            return;
        }
        DurableFiles.replace(file, encode(s));
    }

    private static String encodeText(String s) {
        return s.isEmpty() ? "-" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decodeText(String s) {
        return s.equals("-") ? "" : URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
