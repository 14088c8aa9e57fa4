package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:target-acl} and {@code iscsi:target-auth} over Karaf's ConfigRepository. */
class TargetRulesTest {
    private static final String DEMO = "# Demo target\niqn = iqn.2026-11.org.jstgt:demo\n"
            + "# LUN map\nlun.0 = disk0\n";

    @TempDir
    Path etc;
    private ShellFixture f;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        f = new ShellFixture(etc);
        f.cm.fromFile(etc, "jstgt.target", "demo", DEMO);
        file = etc.resolve("jstgt.target-demo.cfg");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aclWithoutEntriesPrintsTheRule() throws Exception {
        f.targets().acl("demo", List.of(), false);
        assertTrue(f.output().endsWith("initiators is not set; every initiator is admitted\n"), f.output());
    }

    @Test
    void aclReplacesTheRuleInOrderKeepingTheFileComments() throws Exception {
        f.targets().acl("demo", List.of("!iqn.2026-01.com.example:bad", "iqn.2026-01.com.example:*,10.0.0.0/8",
                "::1/128", "ALL"), false);
        String text = Files.readString(file);
        assertEquals("!iqn.2026-01.com.example:bad, iqn.2026-01.com.example:*, 10.0.0.0/8, ::1/128, ALL",
                ShellFixture.read(file).getProperty("initiators"));
        assertTrue(text.contains("# Demo target") && text.contains("# LUN map"), text);
        assertEquals("disk0", ShellFixture.read(file).getProperty("lun.0"));
        assertEquals("!iqn.2026-01.com.example:bad, iqn.2026-01.com.example:*, 10.0.0.0/8, ::1/128, ALL",
                f.cm.get("jstgt.target~demo").getProperties().get("initiators"));
        f.bytes.reset();
        f.targets().acl("iqn.2026-11.org.jstgt:demo", List.of(), false);
        assertTrue(f.output().contains("initiators = !iqn.2026-01.com.example:bad, "), f.output());
    }

    @Test
    void aclClearRemovesTheKey() throws Exception {
        f.targets().acl("demo", List.of("127.0.0.1"), false);
        f.targets().acl("demo", List.of(), true);
        assertNull(ShellFixture.read(file).getProperty("initiators"));
        assertTrue(f.output().contains("initiators removed; every initiator is admitted"), f.output());
    }

    @Test
    void aclEntriesAreCheckedBeforeAnythingIsWritten() throws Exception {
        String before = Files.readString(file);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.targets().acl("demo",
                List.of("10.0.0.0/33", "host.example.com", "iqn.bad?name", "300.1.1.1", "10.0.0.0/x", "!", "::g"),
                false));
        assertEquals("initiators: '10.0.0.0/33' has a prefix length outside 0..32; "
                + "'host.example.com' is neither ALL, an initiator name (iqn./eui./naa.) nor an IP address or network; "
                + "'iqn.bad?name' is a name pattern with characters other than a-z, 0-9, '.', ':', '-' and '*'; "
                + "'300.1.1.1' is not a valid IPv4 address; '10.0.0.0/x' has no prefix length after '/'; "
                + "'!' is empty; '::g' is neither ALL, an initiator name (iqn./eui./naa.) nor an IP address or network",
                e.getMessage());
        assertEquals(before, Files.readString(file));
        e = assertThrows(IllegalArgumentException.class, () -> f.targets().acl("demo", List.of("ALL"), true));
        assertEquals("give entries or --clear, not both", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.targets().acl("nope", List.of(), false));
        assertEquals("no target 'nope' (etc/jstgt.target-nope.cfg); known: demo", e.getMessage());
    }

    @Test
    void aclOfOnlyDenialsWarns() throws Exception {
        f.targets().acl("demo", List.of("!10.0.0.5"), false);
        assertTrue(f.output().contains("warning: every entry denies"), f.output());
    }

    @Test
    void authSetsPolicyAndGroupsAndWarnsAboutSetsThatCannotServe() throws Exception {
        f.cm.fromFile(etc, "jstgt.auth", "alice", "chap.user = alice\nchap.secret = alice-secret-12\n");
        f.targets().auth("demo", "MUTUAL", List.of("alice,bob"));
        assertEquals("mutual", ShellFixture.read(file).getProperty("auth"));
        assertEquals("alice, bob", ShellFixture.read(file).getProperty("auth.groups"));
        String out = f.output();
        assertTrue(out.contains("auth = mutual, auth.groups = alice, bob"), out);
        assertTrue(out.contains("warning: credential set 'alice' has no mutual.user; mutual logins with it fail"), out);
        assertTrue(out.contains("warning: no credential set 'bob' yet (iscsi:chap-add bob <user>)"), out);
        assertFalse(out.contains("alice-secret-12"), out);

        f.bytes.reset();
        f.targets().auth("demo", "none", null);
        assertEquals("none", ShellFixture.read(file).getProperty("auth"));
        assertEquals("alice, bob", ShellFixture.read(file).getProperty("auth.groups"), "kept without --groups");
        assertFalse(f.output().contains("warning"), f.output());
    }

    @Test
    void authRefusesUnknownPoliciesAndBadGroupNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.targets().auth("demo", "kerberos", null));
        assertEquals("auth: 'kerberos' is not one of none, chap, mutual", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.targets().auth("demo", "chap", List.of("a-b")));
        assertTrue(e.getMessage().startsWith("credential set name 'a-b'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> f.targets().auth("demo", "chap", List.of(",")));
        assertEquals("--groups: name at least one credential set", e.getMessage());
    }
}
