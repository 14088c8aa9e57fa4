package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CfgFile}: a changed configuration written over its {@code .cfg} file in one rename. */
class CfgFileTest {
    private static final String LUN = "# the database disk\n"
            + "device.type = disk\n"
            + "\n"
            + "# where it lives\n"
            + "store.path = ${karaf.data}/luns/db.img\n"
            + "size = 2GiB\n"
            + "vendor = OLD\n";

    @TempDir
    Path etc;
    private String previousData;

    @BeforeEach
    void setUp() {
        previousData = System.getProperty("karaf.data");
        System.setProperty("karaf.data", "/var/lib/jstgt");
    }

    @AfterEach
    void tearDown() {
        if (previousData == null) {
            System.clearProperty("karaf.data");
        } else {
            System.setProperty("karaf.data", previousData);
        }
    }

    /** The keys as Config Admin holds them after FileInstall read the file: placeholders resolved. */
    private static Map<String, Object> held() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("device.type", "disk");
        p.put("store.path", "/var/lib/jstgt/luns/db.img");
        p.put("size", "2GiB");
        p.put("vendor", "OLD");
        return p;
    }

    @Test
    void aChangeKeepsCommentsOrderAndThePlaceholdersOfUnchangedValues() throws Exception {
        Path file = Files.writeString(etc.resolve("jstgt.lun-db.cfg"), LUN);
        Map<String, Object> p = held();
        p.put("size", "4GiB");
        p.remove("vendor");
        p.put("offline", "true");
        CfgFile.rewrite(file, held().keySet(), p);
        assertEquals("# the database disk\n"
                + "device.type = disk\n"
                + "\n"
                + "# where it lives\n"
                + "store.path = ${karaf.data}/luns/db.img\n"
                + "size = 4GiB\n"
                + "offline = true\n", Files.readString(file, StandardCharsets.ISO_8859_1));
        assertEquals("4GiB", ShellFixture.read(file).getProperty("size"));
    }

    @Test
    void aValueThatChangedIsWrittenAsGivenAndOthersAreKeptByteForByte() throws Exception {
        Path file = Files.writeString(etc.resolve("jstgt.lun-db.cfg"), LUN);
        Map<String, Object> p = held();
        p.put("store.path", "/srv/luns/db.img");
        CfgFile.rewrite(file, held().keySet(), p);
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("store.path = /srv/luns/db.img\n"), text);
        CfgFile.rewrite(file, held().keySet(), p);
        assertEquals(text, Files.readString(file, StandardCharsets.ISO_8859_1), "rewriting the same keys changes nothing");
    }

    @Test
    void theFileKeepsItsPermissionsAndNoTemporaryFileIsLeft() throws Exception {
        Path file = Files.writeString(etc.resolve("jstgt.auth-a.cfg"), "chap.user = alice\nchap.secret = s3cret-s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        CfgFile.rewrite(file, Set.of("chap.user", "chap.secret"), Map.of("chap.user", "bob", "chap.secret", "s3cret-s3cret"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("bob", ShellFixture.read(file).getProperty("chap.user"));
        try (Stream<Path> all = Files.list(etc)) {
            assertEquals(List.of(file), all.toList());
        }
    }

    @Test
    void aNewFileHoldsTheKeysInOrderAndASecretOneIsTheOwnersOnly() throws Exception {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("chap.user", "alice");
        p.put("chap.secret", "$[secret:alice]");
        p.put("note", "a\\b c=d");
        Path file = etc.resolve("jstgt.auth-a.cfg");
        CfgFile.create(file, p, true);
        assertEquals("chap.user = alice\nchap.secret = $[secret:alice]\nnote = a\\\\b c=d\n",
                Files.readString(file, StandardCharsets.ISO_8859_1));
        assertEquals("a\\b c=d", ShellFixture.read(file).getProperty("note"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> all = Files.list(etc)) {
            assertEquals(List.of(file), all.toList());
        }
    }

    @Test
    void aFileLeftWhereANewOneGoesIsReplacedAndKeepsItsPermissions() throws Exception {
        Path file = Files.writeString(etc.resolve("jstgt.lun-db.cfg"), "junk = 1\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        CfgFile.create(file, Map.of("device.type", "disk"), true);
        assertEquals("device.type = disk\n", Files.readString(file, StandardCharsets.ISO_8859_1));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aLinkStaysALinkAndTheFileItNamesIsReplaced() throws Exception {
        Path real = Files.createDirectories(etc.resolve("managed")).resolve("db.cfg");
        Files.writeString(real, LUN);
        Path link = Files.createSymbolicLink(etc.resolve("jstgt.lun-db.cfg"), real);
        Map<String, Object> p = held();
        p.put("vendor", "NEW");
        CfgFile.rewrite(link, held().keySet(), p);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("NEW", ShellFixture.read(real).getProperty("vendor"));
    }

    @Test
    void aFileFoundEmptyWhileFileInstallRewritesItIsReadAgain() throws Exception {
        Path file = Files.writeString(etc.resolve("jstgt.lun-db.cfg"), "");
        // FileInstall's write-back truncates, then writes: the text arrives a moment later
        rewriteWhileWritten(file, LUN);
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("# the database disk\n"), text);
        assertEquals("NEW", ShellFixture.read(file).getProperty("vendor"));
    }

    @Test
    void aFileFoundCutAtAPageWhileFileInstallRewritesItIsReadAgain() throws Exception {
        StringBuilder b = new StringBuilder(LUN);
        for (int i = 0; b.length() < 6000; i++) {
            b.append("# a comment line of the kind the shipped files have, number ").append(i).append('\n');
        }
        String whole = b.append("read.only = false\n# the last comment\n").toString();
        Path file = Files.writeString(etc.resolve("jstgt.lun-db.cfg"), whole.substring(0, 4096));
        rewriteWhileWritten(file, whole);
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        assertTrue(text.endsWith("read.only = false\n# the last comment\n"), text);
        assertEquals(whole.replace("vendor = OLD", "vendor = NEW"), text);
    }

    /** Rewrites the file with vendor = NEW while another thread finishes writing {@code text} into it. */
    private static void rewriteWhileWritten(Path file, String text) throws Exception {
        Map<String, Object> p = held();
        if (text.contains("read.only")) {
            p.put("read.only", "false"); // the key past the cut
        }
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(50);
                Files.writeString(file, text);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        p.put("vendor", "NEW");
        CfgFile.rewrite(file, Set.copyOf(p.keySet()), p);
        writer.join();
    }
}
