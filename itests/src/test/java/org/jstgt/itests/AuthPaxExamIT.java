package org.jstgt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.ChapOptions;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.LoginFailedException;
import org.jstgt.testkit.ScsiReply;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * CHAP inside the real assembly, with the testkit initiator (which, unlike libiscsi 1.19, speaks
 * every algorithm): SHA3-256, SHA-256, SHA-1 and MD5, mutual CHAP checked by the initiator, a
 * reflected challenge, a target that refuses MD5; the auth-chap bundle stopped and started while a
 * session runs (new logins get 0x0300, the session is untouched); and the shell's listing of
 * credential sets, which never prints a secret.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AuthPaxExamIT {
    private static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);
    private static final String IQN = "iqn.2026-12.org.jstgt.itest:paxchap";
    private static final String STRICT_IQN = "iqn.2026-12.org.jstgt.itest:paxstrict";
    private static final String SECRET = "pax-Initiator-0042";
    private static final String TARGET_SECRET = "pax-Target-0777";
    private static final int AUTHENTICATION_FAILURE = 0x0201;
    private static final int TARGET_ERROR = 0x0300;

    /**
     * Karaf registers it once the boot features are installed: the tests do not race the boot
     * deployment (a refresh during a test stops the bundles under it).
     */
    @Inject
    private BootFinished bootFinished;

    @Inject
    private BundleContext bundleContext;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private SessionFactory sessionFactory;

    private final List<org.osgi.service.cm.Configuration> created = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return PaxAssembly.options();
    }

    @Before
    public void configure() throws Exception {
        factory("jstgt.auth", "pax", "chap.user", "pax-user", "chap.secret", SECRET, "mutual.user", "pax-target",
                "mutual.secret", TARGET_SECRET);
        factory("jstgt.lun", "paxchapram", "device.type", "disk", "store.type", "memory", "size", "16MiB");
        factory("jstgt.target", "paxchap", "iqn", IQN, "lun.0", "paxchapram", "auth", "chap", "auth.groups", "pax");
        factory("jstgt.target", "paxstrict", "iqn", STRICT_IQN, "lun.0", "paxchapram", "auth", "chap",
                "auth.groups", "pax", "chap.algorithms", "SHA-256, SHA3-256");
        Await.until(PaxAssembly.WAIT, "a CHAP login to " + IQN, () -> {
            try (Initiator i = Initiator.connect(PORTAL, chap(ChapOptions.oneWay("pax-user", SECRET)))) {
                i.login(IQN);
                return true;
            } catch (IOException e) {
                return false;
            }
        }, ok -> ok);
    }

    @After
    public void removeConfigurations() throws IOException {
        for (org.osgi.service.cm.Configuration c : created) {
            c.delete();
        }
    }

    @Test
    public void everyAlgorithmAndMutualChapLogIn() throws Exception {
        for (int algorithm : new int[] {8, 7, 6, 5}) {
            ChapOptions options = ChapOptions.oneWay("pax-user", SECRET).mutual("pax-target", TARGET_SECRET)
                    .withAlgorithms(algorithm);
            try (Initiator i = Initiator.connect(PORTAL, chap(options))) {
                assertEquals("CHAP_A chosen for an offer of " + algorithm, Integer.toString(algorithm),
                        i.login(IQN).targetKeys().get("CHAP_A"));
                i.logout();
            }
        }
        // base64 values (0b) are read as well as hex
        try (Initiator i = Initiator.connect(PORTAL, chap(ChapOptions.oneWay("pax-user", SECRET)
                .mutual("pax-target", TARGET_SECRET).withBase64(true)))) {
            i.login(IQN);
        }
    }

    @Test
    public void refusalsAreAuthenticationFailures() throws Exception {
        assertRefused(IQN, ChapOptions.oneWay("pax-user", SECRET + "x"), AUTHENTICATION_FAILURE);
        assertRefused(IQN, ChapOptions.oneWay("pax-user", SECRET).mutual("pax-target", TARGET_SECRET)
                .reflectingChallenge(), AUTHENTICATION_FAILURE);
        // chap.algorithms = SHA-256, SHA3-256: an initiator offering only MD5 and SHA-1 is refused
        assertRefused(STRICT_IQN, ChapOptions.oneWay("pax-user", SECRET).withAlgorithms(5, 6), AUTHENTICATION_FAILURE);
        try (Initiator i = Initiator.connect(PORTAL, chap(ChapOptions.oneWay("pax-user", SECRET).withAlgorithms(5, 7)))) {
            assertEquals("7", i.login(STRICT_IQN).targetKeys().get("CHAP_A"));
        }
    }

    @Test
    public void stoppingTheAuthBundleRefusesNewLoginsAndKeepsSessions() throws Exception {
        Bundle auth = bundle("jstgt-auth-chap");
        ChapOptions options = ChapOptions.oneWay("pax-user", SECRET);
        try (Initiator session = Initiator.connect(PORTAL, chap(options))) {
            session.login(IQN);
            auth.stop();
            try {
                assertRefused(IQN, options, TARGET_ERROR);
                // the established session goes on
                ScsiReply tur = session.scsi(0, Cdbs.testUnitReady(), null, 0);
                if (!tur.good()) {
                    // a unit attention from the login (power on) is an answer too; the next is GOOD
                    session.scsi(0, Cdbs.testUnitReady(), null, 0).assertGood();
                }
                session.scsi(0, Cdbs.read10(0, 8), null, 8 * 512).assertGood();
            } finally {
                auth.start();
            }
            Await.until(PaxAssembly.WAIT, "a CHAP login after jstgt-auth-chap started again", () -> {
                try (Initiator i = Initiator.connect(PORTAL, chap(options))) {
                    i.login(IQN);
                    return true;
                } catch (LoginFailedException e) {
                    return false;
                }
            }, ok -> ok);
            session.scsi(0, Cdbs.testUnitReady(), null, 0).assertGood();
            session.logout();
        }
    }

    @Test
    public void theShellListsCredentialSetsWithoutTheirSecrets() throws Exception {
        String out = shell("iscsi:chap-list --no-format");
        assertTrue(out, out.contains("pax") && out.contains("pax-user") && out.contains("pax-target"));
        assertTrue(out, out.contains("paxchap"));
        assertFalse("a secret in iscsi:chap-list: " + out, out.contains(SECRET) || out.contains(TARGET_SECRET));
    }

    // ---- helpers

    private static InitiatorOptions chap(ChapOptions options) {
        return InitiatorOptions.defaults().withChap(options);
    }

    private static void assertRefused(String iqn, ChapOptions options, int status) throws IOException {
        try (Initiator i = Initiator.connect(PORTAL, chap(options))) {
            i.login(iqn);
            fail("login to " + iqn + " with " + options + " succeeded");
        } catch (LoginFailedException e) {
            assertEquals(String.format("login status to %s with %s", iqn, options), status, e.status());
        }
    }

    private void factory(String factoryPid, String name, String... keyValues) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(factoryPid, "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        for (int k = 0; k < keyValues.length; k += 2) {
            p.put(keyValues[k], keyValues[k + 1]);
        }
        c.update(p);
        created.add(c);
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private String shell(String command) throws Exception {
        return PaxAssembly.shell(sessionFactory, command);
    }
}
