package org.jstgt.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.ChapOptions;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.LoginFailedException;
import org.jstgt.testkit.ScsiData;
import org.jstgt.testkit.ScsiReply;
import org.jstgt.testkit.Sense;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The {@code iscsi} shell scope against the running assembly: every command answers {@code --help}
 * and completes its names from what is configured; the definition commands change what an
 * initiator sees (a LUN created, mapped, resized, made read-only, unmapped and deleted; a portal
 * and a target created, restricted by an ACL and by CHAP, and removed), a bad value is refused
 * naming its key, and an istgt configuration imported with {@code iscsi:import-istgt} serves.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellPaxExamIT {
    private static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);
    private static final String DEMO = "iqn.2026-11.org.jstgt:demo";
    private static final Duration WAIT = PaxAssembly.WAIT;
    private static final int MIB = 1 << 20;

    @Inject
    private BootFinished bootFinished;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        // istgt's own sample configuration (Debian's istgt package ships it), kept by the shell's tests
        String sample = new java.io.File("../bundles/shell/src/test/resources/org/jstgt/shell/importer/istgt.conf")
                .getAbsolutePath();
        return org.ops4j.pax.exam.OptionUtils.combine(PaxAssembly.options(),
                org.ops4j.pax.exam.CoreOptions.systemProperty("jstgt.itest.istgt.sample").value(sample));
    }

    @Test
    public void everyCommandAnswersHelpAndCompletesNames() throws Exception {
        awaitPortal(PORTAL);
        // as an administrator: the shipped command ACL hides admin commands from others
        javax.security.auth.Subject admin = new javax.security.auth.Subject();
        for (String role : new String[] {"admin", "manager", "viewer"}) {
            admin.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal(role));
        }
        try {
            javax.security.auth.Subject.doAs(admin, (java.security.PrivilegedExceptionAction<Void>) () -> {
                helpAndCompletion();
                return null;
            });
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }

    private void helpAndCompletion() throws Exception {
        Session session = sessionFactory.create(new ByteArrayInputStream(new byte[0]), sink(), sink());
        try {
            List<Command> commands = session.getRegistry().getCommands().stream()
                    .filter(c -> "iscsi".equals(c.getScope())).toList();
            assertTrue("iscsi commands registered: " + commands.size(), commands.size() >= 30);
            for (Command c : commands) {
                String help = shell("iscsi:" + c.getName() + " --help");
                assertTrue(c.getName() + " --help: " + help, help.contains("DESCRIPTION") && help.contains("SYNTAX"));
                assertFalse(c.getName() + " has a description", c.getDescription() == null
                        || c.getDescription().isBlank());
                // completing the first argument never fails, whatever the command
                complete(session, c, "");
            }
            Map<String, String> expected = new TreeMap<>(Map.of(
                    "lun-delete", "disk0", "lun-resize", "disk0", "lun-set", "disk0", "lun-unset", "disk0",
                    "target-delete", "demo", "acl-add", "demo", "lun-map", "demo", "lun-unmap", "demo",
                    "portal-delete", "default", "alua-set", "default"));
            for (Map.Entry<String, String> e : expected.entrySet()) {
                Command c = session.getRegistry().getCommand("iscsi", e.getKey());
                List<String> values = complete(session, c, "");
                assertTrue("iscsi:" + e.getKey() + " completes " + e.getValue() + ": " + values,
                        values.contains(e.getValue()));
            }
        } finally {
            session.close();
        }
    }

    @Test
    public void lunCommandsChangeWhatTheInitiatorSees() throws Exception {
        awaitPortal(PORTAL);
        Path etc = Path.of(System.getProperty("karaf.etc"));
        shell("iscsi:lun-create --store memory --size 1MiB ram9");
        String refusedRam = failure("iscsi:lun-resize ram9 2MiB");
        assertTrue(refusedRam, refusedRam.contains("--force"));
        shell("iscsi:lun-delete ram9");
        // a file store keeps its data across the resize (the unit reopens on the grown file)
        shell("iscsi:lun-create --size 64MiB shell1");
        assertTrue("the LUN's file", Files.isRegularFile(etc.resolve("jstgt.lun-shell1.cfg")));
        Await.until(WAIT, "shell1 ACTIVE", () -> shell("iscsi:lun-list --no-format"),
                out -> hasRow(out, "shell1", "ACTIVE"));
        shell("iscsi:lun-map demo 7 shell1");
        try (Initiator s = Initiator.connect(PORTAL, InitiatorOptions.defaults())) {
            s.login(DEMO);
            Await.until(WAIT, "LUN 7 reported", () -> reportLuns(s).contains(7));
            clearUnitAttentions(s, 7);
            assertEquals(64L * MIB, capacity(s, 7));
            byte[] block = new byte[512];
            new Random(7).nextBytes(block);
            s.scsi(7, Cdbs.write10(9, 1), block, 0).assertGood();
            assertArrayEquals(block, s.scsi(7, Cdbs.read10(9, 1), null, 512).assertGood().data());

            shell("iscsi:lun-resize shell1 128MiB");
            Await.until(WAIT, "128 MiB after lun-resize", () -> capacityAfterAttentions(s, 7) == 128L * MIB);
            // the new size can be visible a moment before its 2Ah/09h is raised
            assertArrayEquals("data kept across the resize", block, readAfterAttentions(s, 7));

            shell("iscsi:lun-set shell1 read.only true");
            Await.until(WAIT, "writes refused once read-only", () -> {
                ScsiReply r = writeAfterAttentions(s, 7, block);
                return !r.good() && r.sense().map(Sense.WRITE_PROTECTED::matches).orElse(false);
            });
            shell("iscsi:lun-unset shell1 read.only");
            Await.until(WAIT, "writes taken again", () -> writeAfterAttentions(s, 7, block).good());

            String refused = failure("iscsi:lun-set shell1 block.size 513");
            assertTrue(refused, refused.contains("block.size"));

            shell("iscsi:lun-unmap demo 7");
            Await.until(WAIT, "LUN 7 gone", () -> !reportLuns(s).contains(7));
            s.logout();
        }
        shell("iscsi:lun-delete shell1");
        assertFalse("the LUN's file is removed", Files.exists(etc.resolve("jstgt.lun-shell1.cfg")));
        Await.until(WAIT, "shell1 no longer listed", () -> !hasRow(shell("iscsi:lun-list --no-format"), "shell1", ""));
        String missing = failure("iscsi:lun-delete shell1");
        assertTrue(missing, missing.contains("shell1"));
    }

    @Test
    public void portalTargetAclAndChapCommandsGuardANewTarget() throws Exception {
        awaitPortal(PORTAL);
        InetSocketAddress portal = new InetSocketAddress("127.0.0.1", 3262);
        String iqn = "iqn.2026-12.org.jstgt.itest:shell2";
        shell("iscsi:portal-create --tag 2 shell2 127.0.0.1:3262");
        awaitPortal(portal);
        assertTrue(shell("iscsi:portal-list"), shell("iscsi:portal-list").contains("127.0.0.1:3262"));
        shell("iscsi:lun-create --store memory --size 16MiB shell2lun");
        shell("iscsi:target-create --portals shell2 --alias shell-two shell2 " + iqn);
        shell("iscsi:lun-map shell2 0 shell2lun");
        Await.until(WAIT, "login to the new target", () -> {
            try (Initiator s = Initiator.connect(portal, InitiatorOptions.defaults())) {
                s.login(iqn);
                clearUnitAttentions(s, 0);
                boolean ok = capacity(s, 0) == 16L * MIB;
                s.logout();
                return ok;
            } catch (LoginFailedException e) {
                return false;
            }
        });

        // an ACL that names another initiator shuts this one out; one that names it lets it back in
        String other = "iqn.2026-12.org.jstgt.itest:someone-else";
        shell("iscsi:acl-add shell2 " + other);
        Await.until(WAIT, "login refused by the ACL", () -> loginStatus(portal, iqn, InitiatorOptions.defaults()) != 0);
        assertTrue(shell("iscsi:target-list"), shell("iscsi:target-list").contains("someone-else"));
        String last = failure("iscsi:acl-remove shell2 " + other);
        assertTrue("removing the last entry would admit everyone: " + last, last.contains("--clear"));
        shell("iscsi:acl-add shell2 " + InitiatorOptions.DEFAULT_INITIATOR_NAME);
        Await.until(WAIT, "login admitted by name", () -> loginStatus(portal, iqn, InitiatorOptions.defaults()) == 0);
        shell("iscsi:acl-remove shell2 " + InitiatorOptions.DEFAULT_INITIATOR_NAME);
        Await.until(WAIT, "login refused again", () -> loginStatus(portal, iqn, InitiatorOptions.defaults()) != 0);
        shell("iscsi:target-acl --clear shell2");
        Await.until(WAIT, "login admitted again", () -> loginStatus(portal, iqn, InitiatorOptions.defaults()) == 0);

        // CHAP: a credential set from a secret file, required by the target
        Path secret = Files.createTempFile("shell-chap", ".secret",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, "shell-Secret-0099\n");
        try {
            shell("iscsi:chap-add --secret-file " + secret + " shellset shelluser");
            String sets = shell("iscsi:chap-list");
            assertTrue(sets, sets.contains("shellset") && sets.contains("shelluser"));
            assertFalse("chap-list never prints the secret: " + sets, sets.contains("shell-Secret-0099"));
            assertEquals("auth-list is chap-list", sets, shell("iscsi:auth-list"));
            shell("iscsi:target-auth --groups shellset shell2 chap");
            Await.until(WAIT, "login without CHAP refused", () -> loginStatus(portal, iqn,
                    InitiatorOptions.defaults()) == 0x0201);
            InitiatorOptions chap = InitiatorOptions.defaults().withChap(ChapOptions.oneWay("shelluser",
                    "shell-Secret-0099"));
            assertEquals("login with CHAP", 0, loginStatus(portal, iqn, chap));
            shell("iscsi:target-auth shell2 none");
            shell("iscsi:auth-delete shellset");
            assertFalse(shell("iscsi:chap-list").contains("shellset"));
        } finally {
            Files.deleteIfExists(secret);
        }

        String discovery = shell("iscsi:discovery-auth");
        assertTrue(discovery, discovery.contains("none"));
        shell("iscsi:alua-set shell2 active/non-optimized");
        Await.until(WAIT, "portal-list shows the ALUA state", () -> shell("iscsi:portal-list --no-format"),
                out -> hasRow(out, "shell2", "active/non-optimized"));
        String reservations = shell("iscsi:pr-list shell2lun");
        assertTrue(reservations, reservations.toLowerCase().contains("reservation")
                || reservations.toLowerCase().contains("registration"));

        shell("iscsi:target-delete shell2");
        Await.until(WAIT, "login to a deleted target refused", () -> loginStatus(portal, iqn,
                InitiatorOptions.defaults()) != 0);
        shell("iscsi:portal-delete shell2");
        Await.until(WAIT, "3262 closed", () -> connectFailure(portal) != null);
        shell("iscsi:lun-delete shell2lun");
    }

    @Test
    public void importedIstgtConfigurationServes() throws Exception {
        awaitPortal(PORTAL);
        Path dir = Files.createTempDirectory("istgt-import");
        Path image = dir.resolve("import0.img");
        Path conf = dir.resolve("istgt.conf");
        Files.writeString(conf, String.join("\n",
                "# istgt.conf as istgt reads it",
                "[Global]",
                "  NodeBase \"iqn.2026-12.org.jstgt.itest\"",
                "  MaxSessions 16",
                "[PortalGroup5]",
                "  Portal DA1 127.0.0.1:3265",
                "[InitiatorGroup1]",
                "  InitiatorName \"ALL\"",
                "  Netmask 127.0.0.1/32",
                "[LogicalUnit1]",
                "  TargetName imported",
                "  Mapping PortalGroup5 InitiatorGroup1",
                "  AuthMethod Auto",
                "  UseDigest Auto",
                "  UnitType Disk",
                "  QueueDepth 32",
                "  LUN0 Storage " + image + " 32MB",
                ""));
        String plan = shell("iscsi:import-istgt --dry-run " + conf);
        assertTrue(plan, plan.startsWith("Dry run") && plan.contains("imported") && plan.contains("MaxSessions"));
        Path etc = Path.of(System.getProperty("karaf.etc"));
        assertFalse("--dry-run writes nothing", Files.exists(etc.resolve("jstgt.target-imported.cfg")));

        String bad = failure("iscsi:import-istgt " + dir.resolve("missing.conf"));
        assertTrue(bad, bad.contains("missing.conf"));

        shell("iscsi:import-istgt " + conf);
        assertTrue(Files.exists(etc.resolve("jstgt.target-imported.cfg")));
        InetSocketAddress portal = new InetSocketAddress("127.0.0.1", 3265);
        awaitPortal(portal);
        Await.until(WAIT, "the imported target serves", () -> {
            try (Initiator s = Initiator.connect(portal, InitiatorOptions.defaults())) {
                s.login("iqn.2026-12.org.jstgt.itest:imported");
                clearUnitAttentions(s, 0);
                if (capacity(s, 0) != 32L * MIB) {
                    return false;
                }
                byte[] data = new byte[4096];
                new Random(5).nextBytes(data);
                s.scsi(0, Cdbs.write10(100, 8), data, 0).assertGood();
                assertArrayEquals(data, s.scsi(0, Cdbs.read10(100, 8), null, 4096).assertGood().data());
                s.logout();
                return true;
            } catch (LoginFailedException e) {
                return false;
            }
        });
        assertEquals("the image istgt's Storage line names", 32L * MIB, Files.size(image));

        shell("iscsi:target-delete imported");
        shell("iscsi:portal-delete pg5");
        for (String lun : shell("iscsi:lun-list --no-format").lines().map(l -> l.split("\t")[0].trim())
                .filter(n -> n.startsWith("imported_")).toList()) {
            shell("iscsi:lun-delete " + lun);
        }
    }

    /**
     * istgt's sample as Debian ships it, with only its network and its disk's path changed to this
     * machine's: imported, its disk target serves.
     */
    @Test
    public void istgtSampleImportedServes() throws Exception {
        awaitPortal(PORTAL);
        Path dir = Files.createTempDirectory("istgt-sample");
        String text = Files.readString(Path.of(System.getProperty("jstgt.itest.istgt.sample")))
                .replace("192.168.2.36:3260", "127.0.0.1:3266")
                .replace("192.168.2.0/24", "127.0.0.0/8")
                .replace("/tank/iscsi/istgt-disk1 10GB", dir.resolve("disk1.img") + " 64MB");
        assertFalse("the sample names other units too: keep only what this machine has",
                text.contains("192.168.2.36"));
        Path conf = dir.resolve("istgt.conf");
        Files.writeString(conf, text);
        String out = shell("iscsi:import-istgt " + conf);
        assertTrue(out, out.contains("Imported"));
        InetSocketAddress portal = new InetSocketAddress("127.0.0.1", 3266);
        awaitPortal(portal);
        Await.until(WAIT, "istgt's sample disk1 serves", () -> {
            try (Initiator s = Initiator.connect(portal, InitiatorOptions.defaults())) {
                s.login("iqn.2007-09.jp.ne.peach.istgt:disk1");
                clearUnitAttentions(s, 0);
                boolean ok = capacity(s, 0) == 64L * MIB;
                byte[] data = new byte[512];
                new Random(3).nextBytes(data);
                s.scsi(0, Cdbs.write10(1, 1), data, 0).assertGood();
                assertArrayEquals(data, s.scsi(0, Cdbs.read10(1, 1), null, 512).assertGood().data());
                s.logout();
                return ok;
            } catch (LoginFailedException e) {
                return false;
            }
        });
    }

    // --- helpers ---

    /** @return whether a {@code --no-format} table has a row named {@code name} that holds {@code text} */
    private static boolean hasRow(String table, String name, String text) {
        return table.lines().anyMatch(l -> l.split("\t")[0].trim().equals(name) && l.contains(text));
    }

    private String shell(String command) throws Exception {
        return PaxAssembly.shell(sessionFactory, command);
    }

    /** @return the message of the command's failure; fails the test when it succeeds */
    private String failure(String command) {
        try {
            String out = shell(command);
            fail(command + " succeeded: " + out);
            return out;
        } catch (Exception e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Completes the argument after {@code iscsi:<name> }, which starts with {@code prefix}. */
    private static List<String> complete(Session session, Command c, String prefix) {
        String buffer = "iscsi:" + c.getName() + " " + prefix;
        String[] args = {"iscsi:" + c.getName(), prefix};
        CommandLine line = new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return 1;
            }

            @Override
            public String getCursorArgument() {
                return prefix;
            }

            @Override
            public int getArgumentPosition() {
                return prefix.length();
            }

            @Override
            public String[] getArguments() {
                return args;
            }

            @Override
            public int getBufferPosition() {
                return buffer.length();
            }

            @Override
            public String getBuffer() {
                return buffer;
            }
        };
        List<Candidate> candidates = new ArrayList<>();
        c.getCompleter(true).completeCandidates(session, line, candidates);
        return candidates.stream().map(Candidate::value).map(String::trim).toList();
    }

    /** @return 0 when a login succeeds (and logs out), else its status class and detail */
    private static int loginStatus(InetSocketAddress portal, String iqn, InitiatorOptions options) throws IOException {
        try (Initiator s = Initiator.connect(portal, options)) {
            s.login(iqn);
            s.logout();
            return 0;
        } catch (LoginFailedException e) {
            return e.status();
        }
    }

    private static long capacity(Initiator s, int lun) throws IOException {
        return ScsiData.readCapacity16(s.scsi(lun, Cdbs.readCapacity16(32), null, 32).assertGood().data()).bytes();
    }

    /** READ CAPACITY(16), taking the unit attentions a change raises meanwhile (2Ah/09h after a resize). */
    private static long capacityAfterAttentions(Initiator s, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = s.scsi(lun, Cdbs.readCapacity16(32), null, 32);
            if (r.good()) {
                return ScsiData.readCapacity16(r.data()).bytes();
            }
            if (r.sense().map(x -> x.key() != 6).orElse(true)) {
                throw new AssertionError("READ CAPACITY(16) on LUN " + lun + ": " + r);
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions");
    }

    private static byte[] readAfterAttentions(Initiator s, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = s.scsi(lun, Cdbs.read10(9, 1), null, 512);
            if (r.good() || r.sense().map(x -> x.key() != 6).orElse(true)) {
                return r.assertGood().data();
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions");
    }

    private static ScsiReply writeAfterAttentions(Initiator s, int lun, byte[] block) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = s.scsi(lun, Cdbs.write10(9, 1), block, 0);
            if (r.good() || r.sense().map(x -> x.key() != 6).orElse(true)) {
                return r;
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions");
    }

    private static void clearUnitAttentions(Initiator s, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = s.scsi(lun, Cdbs.testUnitReady(), null, 0);
            if (r.good()) {
                return;
            }
            if (r.sense().map(x -> x.key() != 6).orElse(true)) {
                throw new AssertionError("TEST UNIT READY on LUN " + lun + ": " + r);
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions after 8 TEST UNIT READY");
    }

    private static List<Integer> reportLuns(Initiator s) throws IOException {
        return ScsiData.reportLuns(s.scsi(0, Cdbs.reportLuns(0, 4096), null, 4096).assertGood().data());
    }

    private static void awaitPortal(InetSocketAddress portal) {
        Await.until(WAIT, portal + " to accept connections", () -> connectFailure(portal), f -> f == null);
    }

    private static IOException connectFailure(InetSocketAddress portal) {
        try (Socket s = new Socket()) {
            s.connect(portal, 1000);
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}
