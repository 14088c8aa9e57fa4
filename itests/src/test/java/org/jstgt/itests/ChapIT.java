package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.ChapOptions;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CHAP and access rules against the real assembly, driven by libiscsi's utilities (which offer MD5
 * CHAP only, CHAP_A=5): one-way and mutual CHAP with right and wrong secrets, a secret read through
 * {@code $[secret:...]} from etc/secrets, credentials changed at runtime, a denied initiator name
 * that discovery does not show, CHAP on discovery, and no secret in the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChapIT {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CONFIG_WAIT = Duration.ofSeconds(45);
    private static final String PORTAL = "127.0.0.1:3260";
    private static final String CHAP_IQN = "iqn.2026-12.org.jstgt.itest:chap";
    private static final String MUTUAL_IQN = "iqn.2026-12.org.jstgt.itest:mutual";
    private static final String ACL_IQN = "iqn.2026-12.org.jstgt.itest:acl";
    private static final String DENIED = "iqn.2026-12.org.jstgt.itest:denied";
    /** Admits IPv4 loopback, denies every IPv6 peer. */
    private static final String V4_ONLY_IQN = "iqn.2026-12.org.jstgt.itest:v4only";
    // no '%', '@', '/' or '?': they end up in libiscsi URLs
    private static final String ALICE_SECRET = "alice-Secret-0123";
    private static final String ALICE_NEW_SECRET = "alice-Rotated-4567";
    private static final String BOB_SECRET = "bob-Secret-98765";
    private static final String TARGET_SECRET = "target-Secret-5555";
    private static final List<String> SECRETS = List.of(ALICE_SECRET, ALICE_NEW_SECRET, BOB_SECRET, TARGET_SECRET);

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("chap", "iscsi-ls", "iscsi-inq");

    private KarafInstance karaf;

    @BeforeAll
    void configure() throws Exception {
        karaf = ASSEMBLY.karaf();
        Path secrets = karaf.etc().resolve("secrets");
        Files.createDirectories(secrets);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        Path alice = secrets.resolve("alice");
        // the interpolation plugin trims: a trailing newline, as editors write it, is not part of the secret
        Files.writeString(alice, ALICE_SECRET + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(alice, PosixFilePermissions.fromString("rw-------"));
        karaf.writeEtc("jstgt.auth-alice.cfg", lines("chap.user = alice", "chap.secret = $[secret:alice]"));
        karaf.writeEtc("jstgt.auth-bob.cfg", lines("chap.user = bob", "chap.secret = " + BOB_SECRET,
                "mutual.user = jstgt-target", "mutual.secret = " + TARGET_SECRET));
        karaf.writeEtc("jstgt.lun-chapram.cfg", lines("device.type = disk", "store.type = memory", "size = 16MiB"));
        karaf.writeEtc("jstgt.target-chap.cfg", lines("iqn = " + CHAP_IQN, "lun.0 = chapram", "auth = chap",
                "auth.groups = alice, bob"));
        karaf.writeEtc("jstgt.target-mutual.cfg", lines("iqn = " + MUTUAL_IQN, "lun.0 = chapram", "auth = mutual",
                "auth.groups = bob"));
        karaf.writeEtc("jstgt.target-acl.cfg", lines("iqn = " + ACL_IQN, "lun.0 = chapram",
                "initiators = !" + DENIED + ", ALL"));
        karaf.writeEtc("jstgt.target-v4only.cfg", lines("iqn = " + V4_ONLY_IQN, "lun.0 = chapram",
                "initiators = !::/0, 127.0.0.0/8"));
        Await.every(CONFIG_WAIT, Duration.ofSeconds(1), "the three itest targets in iscsi-ls",
                () -> Processes.run(TOOL_TIMEOUT, "iscsi-ls", "iscsi://" + PORTAL),
                r -> r.exitCode() == 0 && r.output().contains(CHAP_IQN) && r.output().contains(MUTUAL_IQN)
                        && r.output().contains(ACL_IQN) && r.output().contains(V4_ONLY_IQN));
    }

    @Test
    @Order(1)
    void oneWayChapWithTheRightSecretLogsIn() throws Exception {
        Processes.Result r = inq("alice%" + ALICE_SECRET + "@", CHAP_IQN, "").assertSuccess();
        assertTrue(r.output().contains("DIRECT_ACCESS"), r.describe());
        // a second credential set named by auth.groups works as well
        inq("bob%" + BOB_SECRET + "@", CHAP_IQN, "").assertSuccess();
    }

    @Test
    @Order(2)
    void aWrongSecretAnUnknownUserOrNoCredentialsAreRefused() throws Exception {
        for (String who : List.of("alice%" + ALICE_SECRET + "x@", "mallory%" + ALICE_SECRET + "@", "")) {
            Processes.Result r = inq(who, CHAP_IQN, "");
            assertNotEquals(0, r.exitCode(), r.describe());
            assertFalse(r.output().contains("DIRECT_ACCESS"), r.describe());
        }
    }

    @Test
    @Order(3)
    void mutualChapAuthenticatesBothSides() throws Exception {
        String target = "?target_user=jstgt-target&target_password=" + TARGET_SECRET;
        inq("bob%" + BOB_SECRET + "@", MUTUAL_IQN, target).assertSuccess();
        // the initiator refuses a target that does not know the secret it expects
        Processes.Result wrongTarget = inq("bob%" + BOB_SECRET + "@", MUTUAL_IQN,
                "?target_user=jstgt-target&target_password=" + TARGET_SECRET + "x");
        assertNotEquals(0, wrongTarget.exitCode(), wrongTarget.describe());
        // auth = mutual refuses an initiator that does not ask the target to authenticate
        Processes.Result oneWay = inq("bob%" + BOB_SECRET + "@", MUTUAL_IQN, "");
        assertNotEquals(0, oneWay.exitCode(), oneWay.describe());
    }

    @Test
    @Order(4)
    void aDeniedInitiatorDoesNotSeeTheTargetNorLogsIn() throws Exception {
        Processes.Result denied = Processes.run(TOOL_TIMEOUT, "iscsi-ls", "-i", DENIED, "iscsi://" + PORTAL)
                .assertSuccess();
        assertFalse(denied.output().contains(ACL_IQN), denied.describe());
        assertTrue(denied.output().contains(CHAP_IQN), denied.describe());
        Processes.Result other = Processes.run(TOOL_TIMEOUT, "iscsi-ls", "-i", "iqn.2026-12.org.jstgt.itest:other",
                "iscsi://" + PORTAL).assertSuccess();
        assertTrue(other.output().contains(ACL_IQN), other.describe());
        Processes.Result login = Processes.run(TOOL_TIMEOUT, "iscsi-inq", "-i", DENIED,
                "iscsi://" + PORTAL + "/" + ACL_IQN + "/0");
        assertNotEquals(0, login.exitCode(), login.describe());
        Processes.run(TOOL_TIMEOUT, "iscsi-inq", "-i", "iqn.2026-12.org.jstgt.itest:other",
                "iscsi://" + PORTAL + "/" + ACL_IQN + "/0").assertSuccess();
    }

    @Test
    @Order(5)
    void networkRulesTellIpv4FromIpv6Peers() throws Exception {
        Processes.Result v6 = Processes.run(TOOL_TIMEOUT, "iscsi-ls", "iscsi://[::1]:3260").assertSuccess();
        assertFalse(v6.output().contains(V4_ONLY_IQN), v6.describe());
        assertTrue(v6.output().contains(ACL_IQN), v6.describe());
        Processes.Result login6 = Processes.run(TOOL_TIMEOUT, "iscsi-inq", "iscsi://[::1]:3260/" + V4_ONLY_IQN + "/0");
        assertNotEquals(0, login6.exitCode(), login6.describe());
        Processes.Result v4 = Processes.run(TOOL_TIMEOUT, "iscsi-ls", "iscsi://" + PORTAL).assertSuccess();
        assertTrue(v4.output().contains(V4_ONLY_IQN), v4.describe());
        Processes.run(TOOL_TIMEOUT, "iscsi-inq", "iscsi://" + PORTAL + "/" + V4_ONLY_IQN + "/0").assertSuccess();
    }

    @Test
    @Order(6)
    void changedCredentialsApplyToTheNextLogin() throws Exception {
        karaf.writeEtc("jstgt.auth-alice.cfg", lines("chap.user = alice", "chap.secret = " + ALICE_NEW_SECRET));
        Await.every(CONFIG_WAIT, Duration.ofSeconds(1), "a login with alice's new secret",
                () -> inq("alice%" + ALICE_NEW_SECRET + "@", CHAP_IQN, ""), r -> r.exitCode() == 0);
        Processes.Result old = inq("alice%" + ALICE_SECRET + "@", CHAP_IQN, "");
        assertNotEquals(0, old.exitCode(), old.describe());
    }

    @Test
    @Order(7)
    void discoveryCanRequireChap() throws Exception {
        // a session open across the policy's changes: changing discovery restarts nothing
        Initiator session = Initiator.connect(KarafInstance.PORTAL_V4,
                InitiatorOptions.defaults().withChap(ChapOptions.oneWay("bob", BOB_SECRET).withAlgorithms(5)));
        session.login(CHAP_IQN);
        try (session) {
            karaf.writeEtc("jstgt.discovery.cfg", lines("auth = chap", "auth.groups = bob"));
            try {
                // the pings answer the target's NOP-In probes of the idle session while refusals are held back
                Await.every(CONFIG_WAIT, Duration.ofSeconds(1), "iscsi-ls without credentials refused", () -> {
                    session.ping();
                    return Processes.run(TOOL_TIMEOUT, "iscsi-ls", "iscsi://" + PORTAL);
                }, r -> r.exitCode() != 0);
                session.ping();
                Processes.Result r = Processes.run(TOOL_TIMEOUT, "iscsi-ls",
                        "iscsi://bob%" + BOB_SECRET + "@" + PORTAL).assertSuccess();
                assertTrue(r.output().contains(CHAP_IQN), r.describe());
            } finally {
                Files.delete(karaf.etc().resolve("jstgt.discovery.cfg"));
            }
            Await.every(CONFIG_WAIT, Duration.ofSeconds(1),
                    "iscsi-ls without credentials once jstgt.discovery.cfg is gone", () -> {
                        session.ping();
                        return Processes.run(TOOL_TIMEOUT, "iscsi-ls", "iscsi://" + PORTAL);
                    }, r -> r.exitCode() == 0);
            Sessions.clearUnitAttentions(session);
            session.scsi(0, Cdbs.testUnitReady(), null, 0).assertGood();
            session.logout();
        }
    }

    @Test
    @Order(8)
    void noSecretReachesTheLog() throws IOException {
        String log = Files.readString(karaf.home().resolve("data/log/karaf.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("0x0201") || log.contains("status 0x0201"), "refused logins are logged");
        for (String secret : SECRETS) {
            assertFalse(log.contains(secret), "a secret is in data/log/karaf.log");
        }
        assertEquals(-1, log.indexOf("target-Secret"), "the mutual secret is in data/log/karaf.log");
    }

    private Processes.Result inq(String credentials, String iqn, String query) throws Exception {
        return Processes.run(TOOL_TIMEOUT, "iscsi-inq", "iscsi://" + credentials + PORTAL + "/" + iqn + "/0" + query);
    }

    private static String lines(String... lines) {
        return "# written by ChapIT\n" + String.join("\n", lines) + "\n";
    }
}
