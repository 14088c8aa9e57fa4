package org.jstgt.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A metatype document (OSGi Metatype, {@code OSGI-INF/metatype/*.xml}) as the "one truth for
 * defaults" tests read it: its object class's attributes and its designates; plus the keys that
 * the repository's sample configuration files ({@code etc/*.cfg}, {@code etc/samples/*.sample})
 * document and the main sources of the bundles that mention a key.
 *
 * @param ocdId the object class definition's id (the first OCD of the document)
 * @param attributes its attributes by id, in document order
 * @param pids the PIDs designated as singleton configurations
 * @param factoryPids the PIDs designated as factory configurations
 */
public record Metatype(String ocdId, Map<String, Attribute> attributes, List<String> pids, List<String> factoryPids) {

    /**
     * One attribute definition.
     *
     * @param id its key
     * @param type String, Integer, Long, Boolean, Password, ...
     * @param defaultValue its default (a single value, commas unescaped), or null
     * @param required whether it must be present
     * @param options the allowed values (empty: any)
     * @param min the minimum, or null
     * @param max the maximum, or null
     * @param description its description
     */
    public record Attribute(String id, String type, String defaultValue, boolean required, List<String> options,
            String min, String max, String description) {
    }

    /** A commented or set key in a sample configuration: {@code key = value} or {@code #key = value}. */
    private static final Pattern SAMPLE_LINE = Pattern.compile("^(#?)([a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)*) ?= ?(.*)$");

    public Metatype {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        pids = List.copyOf(pids);
        factoryPids = List.copyOf(factoryPids);
    }

    /**
     * @param resource a class path resource, e.g. {@code /OSGI-INF/metatype/jstgt.lun.xml}
     * @return the document
     * @throws IllegalStateException when it is missing
     */
    public static Metatype resource(String resource) {
        try (InputStream in = Metatype.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param file a metatype XML file
     * @return the document
     */
    public static Metatype file(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Metatype parse(InputStream in) throws IOException {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            doc = f.newDocumentBuilder().parse(in);
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("not a metatype document: " + e.getMessage(), e);
        }
        Element ocd = (Element) doc.getElementsByTagName("OCD").item(0);
        Map<String, Attribute> ads = new LinkedHashMap<>();
        NodeList list = ocd.getElementsByTagName("AD");
        for (int i = 0; i < list.getLength(); i++) {
            Element ad = (Element) list.item(i);
            List<String> options = new ArrayList<>();
            NodeList opts = ad.getElementsByTagName("Option");
            for (int j = 0; j < opts.getLength(); j++) {
                options.add(((Element) opts.item(j)).getAttribute("value"));
            }
            ads.put(ad.getAttribute("id"), new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                    unescape(attr(ad, "default")), !"false".equals(ad.getAttribute("required")), options, attr(ad, "min"),
                    attr(ad, "max"), ad.getAttribute("description")));
        }
        List<String> pids = new ArrayList<>();
        List<String> factories = new ArrayList<>();
        NodeList designates = doc.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element d = (Element) designates.item(i);
            if (d.hasAttribute("factoryPid")) {
                factories.add(d.getAttribute("factoryPid"));
            } else {
                pids.add(d.getAttribute("pid"));
            }
        }
        return new Metatype(ocd.getAttribute("id"), ads, pids, factories);
    }

    /** A default holds a list separated by unescaped commas; a single value's own commas are {@code \,}. */
    private static String unescape(String defaultValue) {
        return defaultValue == null ? null : defaultValue.replace("\\,", ",");
    }

    private static String attr(Element e, String name) {
        return e.hasAttribute(name) ? e.getAttribute(name) : null;
    }

    /** @return the attribute ids */
    public Set<String> keys() {
        return attributes.keySet();
    }

    /**
     * @param key an attribute id
     * @return its definition
     * @throws AssertionError when the document has none
     */
    public Attribute attribute(String key) {
        Attribute a = attributes.get(key);
        if (a == null) {
            throw new AssertionError(ocdId + ": no attribute " + key + " (has " + attributes.keySet() + ")");
        }
        return a;
    }

    /**
     * @return the repository's root: the nearest directory above the working directory holding
     *     both {@code etc/} and {@code bundles/}
     */
    public static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("etc")) && Files.isDirectory(d.resolve("bundles"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (etc/ and bundles/) above " + p);
    }

    /**
     * The sample files of a PID: {@code etc/<pid>.cfg}, {@code etc/<pid>-*.cfg} and the same under
     * {@code etc/samples/} with {@code .sample}.
     *
     * @param pid a PID or factory PID
     * @return the files, sorted
     */
    public static List<Path> samples(String pid) {
        Path etc = repositoryRoot().resolve("etc");
        List<Path> out = new ArrayList<>();
        for (Path dir : List.of(etc, etc.resolve("samples"))) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> {
                    String n = f.getFileName().toString().replaceFirst("\\.sample$", "");
                    return n.equals(pid + ".cfg") || (n.startsWith(pid + "-") && n.endsWith(".cfg"));
                }).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /**
     * One documented key of a sample file.
     *
     * @param file the file
     * @param key the key
     * @param value the value shown
     * @param commented whether the line is commented out (showing a default or an example)
     * @param comment the comment block just above it
     */
    public record SampleKey(Path file, String key, String value, boolean commented, String comment) {
    }

    /**
     * @param file a sample configuration file
     * @return every key it sets or shows commented out, in file order
     */
    public static List<SampleKey> sampleKeys(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SampleKey> out = new ArrayList<>();
        StringBuilder comment = new StringBuilder();
        for (String line : lines) {
            Matcher m = SAMPLE_LINE.matcher(line.strip());
            if (m.matches()) {
                out.add(new SampleKey(file, m.group(2), m.group(3).strip(), !m.group(1).isEmpty(), comment.toString()));
            } else if (line.startsWith("#")) {
                comment.append(line.substring(1).strip()).append(' ');
            } else if (line.isBlank()) {
                comment.setLength(0);
            }
        }
        return out;
    }

    /**
     * @param pid a PID or factory PID
     * @return the keys its sample files document
     */
    public static Set<String> documentedKeys(String pid) {
        Set<String> keys = new TreeSet<>();
        for (Path f : samples(pid)) {
            sampleKeys(f).forEach(k -> keys.add(k.key()));
        }
        return keys;
    }

    /**
     * Compares the keys of a metatype document with the keys its sample files document, both ways.
     * A key {@code lun.0} in the metatype stands for every {@code lun.<n>}.
     *
     * @param pid the PID whose samples are read ({@link #samples(String)})
     * @return one line per key that only one side has; empty when they agree
     */
    public List<String> keysNotInBoth(String pid) {
        Set<String> documented = documentedKeys(pid);
        List<String> out = new ArrayList<>();
        for (String k : keys()) {
            if (!documented.contains(k)) {
                out.add(k + ": in the metatype, in no sample of " + pid);
            }
        }
        for (String k : documented) {
            boolean lun = k.matches("lun\\.\\d+") && keys().contains("lun.0");
            if (!keys().contains(k) && !lun) {
                out.add(k + ": in a sample of " + pid + ", not in the metatype");
            }
        }
        return out;
    }

    /**
     * A commented-out {@code #key = value} line of a sample shows the key's default, or is an
     * example whose comment block states the default ({@code Default: x}). Lists are compared
     * without the blanks after their commas.
     *
     * @param pid the PID whose samples are read
     * @return one line per commented-out value that is neither; empty when all agree
     */
    public List<String> commentedValuesNotDefaults(String pid) {
        List<String> wrong = new ArrayList<>();
        for (Path f : samples(pid)) {
            for (SampleKey k : sampleKeys(f)) {
                Attribute a = attributes.get(k.key());
                if (!k.commented() || a == null || a.defaultValue() == null) {
                    continue;
                }
                String shown = k.value().replace(", ", ",");
                if (!shown.equals(a.defaultValue()) && !k.comment().contains("Default: " + a.defaultValue())) {
                    wrong.add(f.getFileName() + ": #" + k.key() + " = " + k.value() + " but the default is "
                            + a.defaultValue());
                }
            }
        }
        return wrong;
    }

    /**
     * @param key a configuration key
     * @param bundles bundle directory names under {@code bundles/}, e.g. {@code device-tape}
     * @return the bundles whose main Java sources hold the key as a string literal
     */
    public static Set<String> bundlesMentioning(String key, List<String> bundles) {
        Set<String> found = new TreeSet<>();
        String literal = "\"" + key + "\"";
        for (String b : bundles) {
            Path src = repositoryRoot().resolve("bundles").resolve(b).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(src)) {
                if (s.filter(f -> f.toString().endsWith(".java")).anyMatch(f -> read(f).contains(literal))) {
                    found.add(b);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
