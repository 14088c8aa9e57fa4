package org.jstgt.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * jstgt on a stock Apache Karaf 4.4.10 (the distribution as Apache ships it, nothing of ours in it),
 * installed the way the README says: {@code feature:repo-add} of jstgt-features and
 * {@code feature:install jstgt}. The features carry the default configuration, so the demo target
 * then serves without a file written by hand; a configuration file the user already has is kept;
 * the command ACL of the scope iscsi is in force.
 *
 * <p>The container resolves Maven artifacts from the build's local repository only (no remote
 * repository). The testkit bundle, which needs jstgt's API, is installed by the test after
 * jstgt; {@link DemoTargetCheck} (loaded only then) talks to the target.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StockKarafIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The user's own portal file, there before jstgt is installed: the feature must not replace it. */
    private static final String USERS_PORTAL = "# the user's own portal, written before feature:install\n"
            + "listen = 127.0.0.1:3260\n";
    private static final List<String> SHIPPED = List.of("jstgt.lun-disk0.cfg", "jstgt.target-demo.cfg",
            "org.apache.karaf.command.acl.iscsi.cfg");

    @Inject
    private BootFinished bootFinished;

    @Inject
    private BundleContext bundleContext;

    @Inject
    private org.apache.karaf.features.FeaturesService featuresService;

    @Configuration
    public Option[] config() {
        String stock = System.getProperty("jstgt.stock.karaf", "target/apache-karaf.tar.gz");
        String testkit = System.getProperty("jstgt.testkit.jar", "target/jstgt-testkit.jar");
        String repo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        for (String f : new String[] {stock, testkit}) {
            if (!new File(f).isFile()) {
                throw new AssertionError(f + " not found: the dependency plugin copies it in pre-integration-test");
            }
        }
        try {
            KarafInstance.awaitPortFree();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        // the last container stays for diagnosis (its data/log/karaf.log); the ones before it go
        PaxAssembly.deleteEarlierRuntimes(new File("target/exam-stock"));
        return new Option[] {
            keepRuntimeFolder(),
            karafDistributionConfiguration()
                    .frameworkUrl(new File(stock).toURI().toString())
                    .name("Apache Karaf")
                    .karafVersion("4.4.10")
                    .unpackDirectory(new File("target/exam-stock"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.INFO),
            systemTimeout(WAIT.toMillis() * 2),
            // our artifacts (and Pax Exam's) from the build's repository, nothing from the network
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", repo),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
            // keep off the ports of another Karaf on this machine (stock: 8101, 1099, 44444)
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", "18101"),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", "11099"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", "44445"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryHost", "127.0.0.1"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerHost", "127.0.0.1"),
            systemProperty("jstgt.testkit.jar").value(new File(testkit).getAbsolutePath()),
            systemProperty("jstgt.version").value(System.getProperty("jstgt.version", "")),
            systemProperty("jstgt.repo.etc").value(System.getProperty("jstgt.repo.etc", "")),
        };
    }

    @Test
    public void featureRepoAddAndFeatureInstallGiveAServingTarget() throws Exception {
        String version = System.getProperty("jstgt.version");
        assertFalse("jstgt.version is passed by failsafe", version == null || version.isEmpty());
        Path etc = Path.of(System.getProperty("karaf.etc"));
        Path data = Path.of(System.getProperty("karaf.data"));
        for (String f : SHIPPED) {
            assertFalse("a stock Karaf has no " + f, Files.exists(etc.resolve(f)));
        }
        assertFalse("nothing of jstgt is installed yet", Arrays.stream(bundleContext.getBundles())
                .anyMatch(b -> String.valueOf(b.getSymbolicName()).startsWith("jstgt-")));
        Files.writeString(etc.resolve("jstgt.portal-default.cfg"), USERS_PORTAL, StandardCharsets.UTF_8);

        shell("feature:repo-add mvn:org.jstgt/jstgt-features/" + version + "/xml/features");
        try {
            shell("feature:install jstgt");
        } catch (Exception e) {
            // Karaf's scr feature, new on a stock Karaf, makes the deployment refresh Karaf's shell
            // bundles (they import its packages optionally): the session running the command ends
            // with them (InterruptedException), while the features service goes on with the
            // installation, which awaitInstalled judges
            Thread.interrupted();
            System.out.println("feature:install jstgt: its shell session ended in the shell's refresh: " + e);
        }
        awaitInstalled("jstgt", version);

        for (String f : SHIPPED) {
            assertArrayEquals(f + " as the repository's etc/ has it", Files.readAllBytes(repoEtc().resolve(f)),
                    Files.readAllBytes(etc.resolve(f)));
        }
        assertEquals("the user's etc/jstgt.portal-default.cfg is kept (override=false)", USERS_PORTAL,
                Files.readString(etc.resolve("jstgt.portal-default.cfg"), StandardCharsets.UTF_8));
        for (String name : List.of("jstgt-api", "jstgt-scsi", "jstgt-iscsi", "jstgt-device-disk", "jstgt-store-file",
                "jstgt-shell")) {
            assertEquals(name + " ACTIVE", Bundle.ACTIVE, bundle(name).getState());
        }

        Bundle testkit = bundleContext.installBundle(
                new File(System.getProperty("jstgt.testkit.jar")).toURI().toString());
        testkit.start();
        DemoTargetCheck.assertServes(WAIT);
        assertTrue("store.path = ${karaf.data}/luns/disk0.img expanded by Karaf",
                Files.isRegularFile(data.resolve("luns").resolve("disk0.img")));

        // the refreshed shell registers the commands again: wait until the iscsi ones are back
        awaitListed("admin", "manager", "viewer");
        awaitListed("viewer");
        awaitDenied("iscsi:pr-clear disk0", "viewer");
        shell("iscsi:pr-clear disk0");
    }

    /** Waits until the feature is installed and every jstgt bundle is ACTIVE. */
    private void awaitInstalled(String name, String version) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            org.apache.karaf.features.Feature f = featuresService.getFeature(name, version);
            boolean installed = f != null && featuresService.isInstalled(f);
            List<Bundle> ours = Arrays.stream(bundleContext.getBundles())
                    .filter(b -> String.valueOf(b.getSymbolicName()).startsWith("jstgt-")).toList();
            if (installed && ours.size() >= 11 && ours.stream().allMatch(b -> b.getState() == Bundle.ACTIVE)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("feature " + name + "/" + version + " installed: " + installed + ", bundles: "
                        + ours.stream().map(b -> b.getSymbolicName() + "=" + b.getState()).toList());
            }
            Thread.sleep(200);
        }
    }

    /** Waits until iscsi:lun-list run with {@code roles} lists disk0 as ACTIVE. */
    private void awaitListed(String... roles) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = shellAs("iscsi:lun-list --no-format", roles);
                if (last.lines().anyMatch(l -> l.startsWith("disk0\t") && l.contains("ACTIVE"))) {
                    return;
                }
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        fail("iscsi:lun-list as " + List.of(roles) + " did not list disk0 ACTIVE within " + WAIT + ": " + last);
    }

    /** Waits (FileInstall delivers the ACL file within seconds) until {@code roles} may not run the command. */
    private void awaitDenied(String command, String... roles) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = shellAs(command, roles);
            } catch (Exception e) {
                // SecurityException "Insufficient credentials", or CommandNotFoundException: hidden from them
                if (String.valueOf(e.getMessage()).contains("Insufficient credentials")
                        || e.getClass().getSimpleName().equals("CommandNotFoundException")) {
                    return;
                }
                throw e;
            }
            Thread.sleep(200);
        }
        fail(command + " still runs for roles " + List.of(roles) + " after " + WAIT + "; it printed: " + last);
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
    }

    private static Path repoEtc() {
        String dir = System.getProperty("jstgt.repo.etc");
        assertFalse("jstgt.repo.etc is passed by failsafe", dir == null || dir.isEmpty());
        return Path.of(dir);
    }

    private String shell(String command) throws Exception {
        return PaxAssembly.shell(sessions(), command);
    }

    private String shellAs(String command, String... roles) throws Exception {
        return PaxAssembly.shellAs(sessions(), command, roles);
    }

    /** @return the shell's session factory now: the one injected is gone after the shell's refresh */
    private SessionFactory sessions() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            org.osgi.framework.ServiceReference<SessionFactory> ref = bundleContext.getServiceReference(
                    SessionFactory.class);
            SessionFactory f = ref == null ? null : bundleContext.getService(ref);
            if (f != null) {
                return f;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no SessionFactory service within " + WAIT);
    }
}
