package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:chap-list}, {@code chap-add}, {@code chap-remove} over Karaf's ConfigRepository. */
class CredentialSetsTest {
    private static final String SECRET = "alice-secret-12";
    private static final String MUTUAL_SECRET = "target-secret-34";
    private static final String USER = "iqn.2026-01.com.example:host1";

    @TempDir
    Path etc;
    private ShellFixture f;

    @BeforeEach
    void setUp() {
        f = new ShellFixture(etc);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void addAsksTwiceAndWritesEtcFileNamedAfterTheSet() throws Exception {
        f.typed.addAll(List.of(SECRET, SECRET));
        f.sets().add("alice", USER, null, null, null, f.console());

        Path file = etc.resolve("jstgt.auth-alice.cfg");
        Properties p = ShellFixture.read(file);
        assertEquals(USER, p.getProperty("chap.user"));
        assertEquals(SECRET, p.getProperty("chap.secret"));
        assertNull(p.getProperty("mutual.user"));
        assertNull(p.getProperty("felix.fileinstall.filename"), "no Config Admin bookkeeping in the file");
        FakeConfigAdmin.Config c = f.cm.get("jstgt.auth~alice");
        assertNotNull(c, "the named factory configuration FileInstall would make from the file");
        assertEquals(file.toFile().toURI().toString(), c.getProperties().get("felix.fileinstall.filename"));
        assertEquals(SECRET, c.getProperties().get("chap.secret"));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        assertEquals(2, f.prompts.size(), f.prompts.toString());
        assertTrue(f.prompts.get(0).startsWith("CHAP secret of " + USER), f.prompts.get(0));
        assertTrue(f.output().contains("chap.secret = ********"), f.output());
        assertTrue(f.output().contains("iscsi:target-auth --groups alice <target> chap"), f.output());
        assertFalse(f.output().contains(SECRET), f.output());
    }

    @Test
    void mutualSecretsFromOwnerOnlyFilesWithTrailingNewlineStripped() throws Exception {
        Path s = secretFile("s1", SECRET + "\n");
        Path m = secretFile("s2", MUTUAL_SECRET + "\r\n");
        f.sets().add("alice", USER, "iqn.2026-11.org.jstgt:demo", s, m, f.console());
        Properties p = ShellFixture.read(etc.resolve("jstgt.auth-alice.cfg"));
        assertEquals(SECRET, p.getProperty("chap.secret"));
        assertEquals("iqn.2026-11.org.jstgt:demo", p.getProperty("mutual.user"));
        assertEquals(MUTUAL_SECRET, p.getProperty("mutual.secret"));
        assertEquals(List.of(), f.prompts, "nothing asked when files are given");
        assertFalse(f.output().contains(SECRET) || f.output().contains(MUTUAL_SECRET), f.output());
    }

    @Test
    void listingMasksEverySecretAndNamesPlaceholdersAndUsers() throws Exception {
        f.cm.fromFile(etc, "jstgt.auth", "alice", "chap.user = alice\nchap.secret = $[secret:alice.secret]\n"
                + "mutual.user = tgt\nmutual.secret = " + MUTUAL_SECRET + "\n");
        f.cm.fromFile(etc, "jstgt.auth", "bob", "chap.user = bob\nchap.secret = short\n");
        f.cm.fromFile(etc, "jstgt.auth", "carol", "chap.user = carol\nchap.secret = $[env:CAROL;default=" + SECRET
                + "]\n");
        f.cm.fromFile(etc, "jstgt.target", "demo", "iqn = iqn.2026-11.org.jstgt:demo\nauth = chap\n"
                + "auth.groups = alice, bob\n");
        f.cm.fromFile(etc, "jstgt.target", "other", "iqn = iqn.2026-11.org.jstgt:other\nauth.groups = alice\n");

        String table = ShellFixture.render(f.sets().table());
        List<String> lines = table.lines().map(String::stripTrailing).toList();
        assertEquals(5, lines.size(), table);
        assertTrue(lines.get(0).matches("Name\\s+\\| User\\s+\\| Secret\\s+\\| Mutual user \\| Mutual secret \\| Used by\\s+"
                + "\\| File\\s+\\| Check"), lines.get(0));
        assertTrue(lines.get(2).matches("alice \\| alice \\| \\(from \\$\\[secret:alice.secret\\]\\)\\s+\\| tgt\\s+\\| "
                + "\\*{8}\\s+\\| target demo, target other \\| .*jstgt.auth-alice.cfg \\| ok"), lines.get(2));
        assertTrue(lines.get(3).matches("bob\\s+\\| bob\\s+\\| \\*{8}\\s+\\| -\\s+\\| -\\s+\\| target demo\\s+\\| .*\\| "
                + "chap.secret: the secret must be 12 to 255 bytes, was 5"), lines.get(3));
        assertTrue(lines.get(4).matches("carol \\| carol \\| \\(from \\$\\[env:CAROL\\]\\)\\s+\\| -.*\\| ok"), lines.get(4));
        assertFalse(table.contains(SECRET) || table.contains(MUTUAL_SECRET) || table.contains("short"), table);
    }

    @Test
    void badInputIsRefusedNamingTheKeyAndNothingIsWritten() throws Exception {
        Path readable = secretFile("open", SECRET);
        boolean posix = Files.getFileStore(readable).supportsFileAttributeView("posix");
        if (posix) {
            Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("rw-r--r--"));
        }
        refused("credential set name 'a-b'", () -> f.sets().add("a-b", USER, null, null, null, f.console()));
        refused("chap.user: '' is empty", () -> f.sets().add("a", "", null, null, null, f.console()));
        refused("chap.secret: the secret must be 12 to 255 bytes, was 5", () -> add("a", "short", "short"));
        refused("chap.secret: the two entries differ", () -> add("a", SECRET, SECRET + "x"));
        refused("chap.secret: no secret entered", () -> add("a"));
        refused("chap.secret: the secret holds '${' or '$['", () -> add("a", "abc${karaf.home}xyz", "abc${karaf.home}xyz"));
        refused("mutual.secret: must differ from chap.secret", () -> {
            f.typed.addAll(List.of(SECRET, SECRET, SECRET, SECRET));
            f.sets().add("a", USER, "tgt", null, null, f.console());
        });
        refused("--mutual-secret-file needs --mutual-user",
                () -> f.sets().add("a", USER, null, null, readable, f.console()));
        if (posix) {
            refused("--secret-file: " + readable + " may be read by others (rw-r--r--); chmod 600 it",
                    () -> f.sets().add("a", USER, null, readable, null, f.console()));
        }
        try (var files = Files.list(etc)) {
            assertEquals(List.of("open"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertNull(f.cm.listConfigurations(null));
    }

    @Test
    void replacingASetKeepsCommentsAndOtherKeysAndDropsMutualKeys() throws Exception {
        f.cm.fromFile(etc, "jstgt.auth", "alice", "# Alice's host\nchap.user = old\nchap.secret = old-secret-123\n"
                + "mutual.user = tgt\nmutual.secret = " + MUTUAL_SECRET + "\nnote = kept\n");
        add("alice", SECRET, SECRET);
        Path file = etc.resolve("jstgt.auth-alice.cfg");
        String text = Files.readString(file);
        assertTrue(text.contains("# Alice's host"), text);
        Properties p = ShellFixture.read(file);
        assertEquals(USER, p.getProperty("chap.user"));
        assertEquals(SECRET, p.getProperty("chap.secret"));
        assertEquals("kept", p.getProperty("note"));
        assertNull(p.getProperty("mutual.user"));
        assertNull(p.getProperty("mutual.secret"));
        assertTrue(f.output().startsWith("Updated credential set alice"), f.output());
        assertTrue(f.output().contains("Mutual CHAP keys removed"), f.output());
        assertFalse(f.output().contains(SECRET), f.output());
    }

    @Test
    void withASecretsDirectoryTheCfgFileHoldsOnlyReferencesToOwnerOnlyFiles() throws Exception {
        Path secrets = etc.resolve("secrets");
        f.typed.addAll(List.of(SECRET, SECRET, MUTUAL_SECRET, MUTUAL_SECRET));
        f.sets(secrets).add("alice", USER, "iqn.2026-11.org.jstgt:demo", null, null, f.console());
        Path file = etc.resolve("jstgt.auth-alice.cfg");
        String text = Files.readString(file);
        assertFalse(text.contains(SECRET) || text.contains(MUTUAL_SECRET), text);
        Properties p = ShellFixture.read(file);
        assertEquals("$[secret:jstgt.auth-alice.chap.secret]", p.getProperty("chap.secret"));
        assertEquals("$[secret:jstgt.auth-alice.mutual.secret]", p.getProperty("mutual.secret"));
        Path chap = secrets.resolve("jstgt.auth-alice.chap.secret");
        assertEquals(SECRET, Files.readString(chap));
        assertEquals(MUTUAL_SECRET, Files.readString(secrets.resolve("jstgt.auth-alice.mutual.secret")));
        if (Files.getFileStore(chap).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(chap)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        }
        assertFalse(f.output().contains(SECRET) || f.output().contains(MUTUAL_SECRET), f.output());
        String listing = ShellFixture.render(f.sets(secrets).table());
        assertFalse(listing.contains(SECRET), listing);

        // replaced without --mutual-user: the mutual secret's file goes with its key
        f.typed.addAll(List.of(MUTUAL_SECRET + "x", MUTUAL_SECRET + "x"));
        f.sets(secrets).add("alice", USER, null, null, null, f.console());
        assertEquals(MUTUAL_SECRET + "x", Files.readString(chap));
        assertFalse(Files.exists(secrets.resolve("jstgt.auth-alice.mutual.secret")));

        f.sets(secrets).remove("alice");
        assertFalse(Files.exists(chap), "removing the set removes the secret the shell wrote");
    }

    @Test
    void removeWarnsAboutTargetsStillNamingTheSetAndDeletesIt() throws Exception {
        f.cm.fromFile(etc, "jstgt.auth", "alice", "chap.user = alice\nchap.secret = " + SECRET + "\n");
        f.cm.fromFile(etc, "jstgt.target", "demo", "iqn = iqn.2026-11.org.jstgt:demo\nauth.groups = alice\n");
        f.sets().remove("alice");
        assertTrue(f.output().contains("warning: target demo still name alice in auth.groups"), f.output());
        assertTrue(f.output().contains("Removed credential set alice"), f.output());
        assertNull(f.cm.get("jstgt.auth~alice"));
        assertFalse(Files.exists(etc.resolve("jstgt.auth-alice.cfg")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.sets().remove("bob"));
        assertEquals("no credential set 'bob' (etc/jstgt.auth-bob.cfg); known: none", e.getMessage());
    }

    private void add(String name, String... typed) throws Exception {
        f.typed.addAll(List.of(typed));
        f.sets().add(name, USER, null, null, null, f.console());
    }

    private void refused(String message, Executable action) {
        f.typed.clear();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    private Path secretFile(String name, String content) throws Exception {
        Path p = etc.resolve(name);
        Files.writeString(p, content);
        if (Files.getFileStore(p).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
        return p;
    }
}
