package org.jstgt.itests;

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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
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
 * {@code feature:install jstgt}, done here through the FeaturesService calls those commands make
 * (the installation refreshes Karaf's shell, see the test). The features carry the default configuration, so the demo target
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

        // what feature:repo-add and feature:install do, through the features service itself: the
        // install deploys Karaf's scr feature, new on a stock Karaf, and the deployment refreshes
        // Karaf's shell bundles (they import its packages optionally). A shell session running the
        // command ends with them (a user logs in again); this test class touches no shell type
        // until then, so that the refresh does not take its probe bundle along.
        featuresService.addRepository(URI.create("mvn:org.jstgt/jstgt-features/" + version + "/xml/features"));
        org.apache.karaf.features.Feature jstgt = featuresService.getFeature("jstgt", version);
        assertTrue("feature jstgt/" + version + " in the added repository", jstgt != null);
        featuresService.installFeature(jstgt, java.util.EnumSet.noneOf(org.apache.karaf.features.FeaturesService.Option.class));
        awaitInstalled("jstgt", version);

        // as the repository's etc/ has them; the user's portal file is kept (override=false). Each is
        // read again while FileInstall writes its configuration back to it (see EtcFileCheck)
        for (String f : SHIPPED) {
            EtcFileCheck.assertHolds(etc.resolve(f), Files.readAllBytes(repoEtc().resolve(f)), WAIT);
        }
        EtcFileCheck.assertHolds(etc.resolve("jstgt.portal-default.cfg"), USERS_PORTAL, WAIT);
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

        // loaded only now, after the shell's refresh: the command ACL shipped with jstgt-shell
        StockShellCheck.assertCommandAcl(bundleContext, WAIT);
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

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
    }

    private static Path repoEtc() {
        String dir = System.getProperty("jstgt.repo.etc");
        assertFalse("jstgt.repo.etc is passed by failsafe", dir == null || dir.isEmpty());
        return Path.of(dir);
    }
}
