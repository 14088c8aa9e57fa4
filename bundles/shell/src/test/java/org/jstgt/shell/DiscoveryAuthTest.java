package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:discovery-auth} over Karaf's ConfigRepository: the singleton etc/jstgt.discovery.cfg. */
class DiscoveryAuthTest {
    private static final String DISCOVERY = "# Discovery sessions\nauth = chap\n# who may discover\n"
            + "auth.groups = alice\nchap.algorithms = SHA-256, MD5\n";
    private static final String ALICE = "chap.user = alice\nchap.secret = alice-secret-12\n";

    @TempDir
    Path etc;
    private ShellFixture f;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        f.cm.fromFile(etc, "jstgt.auth", "alice", ALICE);
        file = etc.resolve("jstgt.discovery.cfg");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void withoutTheFileDiscoveryNeedsNoAuthentication() throws Exception {
        f.discovery().show();
        assertEquals("no " + file + ": discovery needs no authentication (auth = none)\n"
                + "SendTargets lists only the targets whose initiators rule admits the initiator (iscsi:target-acl).\n",
                f.output());
        assertFalse(Files.exists(file));
    }

    @Test
    void withTheFileItsPolicyAndProblemsArePrinted() throws Exception {
        f.cm.fromFile(etc, "jstgt.discovery", DISCOVERY.replace("alice", "alice, bob"));
        f.discovery().show();
        String out = f.output();
        assertTrue(out.startsWith(file + ": auth = chap, auth.groups = alice, bob\n"), out);
        assertTrue(out.contains("warning: no credential set 'bob' yet (iscsi:chap-add bob <user>)"), out);

        f.cm.fromFile(etc, "jstgt.discovery", "auth = kerberos\n");
        f.bytes.reset();
        f.discovery().show();
        assertTrue(f.output().contains("warning: auth: 'kerberos' is not one of none, chap, mutual; every discovery "
                + "login is refused"), f.output());

        f.cm.fromFile(etc, "jstgt.discovery", "chap.algorithms = MD5\n");
        f.bytes.reset();
        f.discovery().show();
        assertTrue(f.output().startsWith(file + ": auth = none (not set), auth.groups = (not set)\n"), f.output());
    }

    @Test
    void chapWithGroupsWritesTheFileNamedAfterThePid() throws Exception {
        f.discovery().set("CHAP", List.of("alice"));
        Properties p = ShellFixture.read(file);
        assertEquals("chap", p.getProperty("auth"));
        assertEquals("alice", p.getProperty("auth.groups"));
        assertEquals(2, p.size(), p.toString());
        assertEquals("chap", f.cm.get("jstgt.discovery").getProperties().get("auth"));
        assertEquals(file.toFile().toURI().toString(), f.cm.get("jstgt.discovery").getProperties()
                .get("felix.fileinstall.filename"));
        String out = f.output();
        assertTrue(out.startsWith(file + ": auth = chap, auth.groups = alice\n"), out);
        assertTrue(out.contains("The next discovery login uses it"), out);
        assertTrue(out.contains("SendTargets lists only the targets whose initiators rule admits the initiator"), out);
        assertFalse(out.contains("warning"), out);

        f.bytes.reset();
        f.discovery().show();
        assertTrue(f.output().startsWith(file + ": auth = chap, auth.groups = alice\n"), f.output());
        // iscsi:chap-list names discovery among the set's users
        String table = ShellFixture.render(f.sets().table());
        assertTrue(table.lines().anyMatch(l -> l.startsWith("alice") && l.contains("| discovery")), table);
    }

    @Test
    void mutualKeepsTheGroupsTheCommentsAndOtherKeys() throws Exception {
        f.cm.fromFile(etc, "jstgt.discovery", DISCOVERY);
        f.discovery().set("mutual", null);
        String text = Files.readString(file);
        assertTrue(text.contains("# Discovery sessions") && text.contains("# who may discover"), text);
        Properties p = ShellFixture.read(file);
        assertEquals("mutual", p.getProperty("auth"));
        assertEquals("alice", p.getProperty("auth.groups"));
        assertEquals("SHA-256, MD5", p.getProperty("chap.algorithms"));
        assertTrue(f.output().contains("warning: credential set 'alice' has no mutual.user; mutual logins with it "
                + "fail"), f.output());
    }

    @Test
    void chapWithoutAnySetIsRefusedAndNothingIsWritten() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.discovery().set("chap", null));
        assertEquals("auth.groups: auth = chap needs at least one credential set (--groups <set>); a discovery "
                + "policy that requires CHAP but names no set would refuse every discovery login", e.getMessage());
        assertFalse(Files.exists(file));
        assertNull(f.cm.get("jstgt.discovery"));

        f.cm.fromFile(etc, "jstgt.discovery", "# none yet\nauth = none\n");
        String before = Files.readString(file);
        e = assertThrows(IllegalArgumentException.class, () -> f.discovery().set("mutual", null));
        assertTrue(e.getMessage().startsWith("auth.groups: auth = mutual needs"), e.getMessage());
        assertEquals(before, Files.readString(file));
        e = assertThrows(IllegalArgumentException.class, () -> f.discovery().set("digest", List.of("alice")));
        assertEquals("auth: 'digest' is not one of none, chap, mutual", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.discovery().set("chap", List.of(" , ")));
        assertEquals("--groups: name at least one credential set", e.getMessage());
        assertEquals(before, Files.readString(file));
        assertEquals("", f.output());
    }

    @Test
    void unknownSetIsWrittenWithAWarning() throws Exception {
        f.discovery().set("chap", List.of("alice,bob"));
        assertEquals("alice, bob", ShellFixture.read(file).getProperty("auth.groups"));
        assertTrue(f.output().contains("warning: no credential set 'bob' yet (iscsi:chap-add bob <user>)"),
                f.output());
    }

    @Test
    void noneKeepsTheGroups() throws Exception {
        f.cm.fromFile(etc, "jstgt.discovery", DISCOVERY);
        f.discovery().set("none", null);
        Properties p = ShellFixture.read(file);
        assertEquals("none", p.getProperty("auth"));
        assertEquals("alice", p.getProperty("auth.groups"));
        assertEquals("SHA-256, MD5", p.getProperty("chap.algorithms"));
        assertTrue(f.output().startsWith(file + ": auth = none, auth.groups = alice\n"), f.output());
        assertFalse(f.output().contains("warning"), f.output());
    }
}
