package org.jstgt.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFileExtend;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.time.Duration;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * The Pax Exam container of the in-container itests: the real assembly, unpacked under
 * target/exam, with the testkit bundle added. Each Pax Exam class boots its own.
 */
final class PaxAssembly {
    /** How long a test waits for the container to do something. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private PaxAssembly() {
    }

    /** @return the Pax Exam options that boot the built assembly with the testkit bundle added */
    static Option[] options() {
        String tarball = System.getProperty("jstgt.assembly.tarball", "target/jstgt-assembly.tar.gz");
        String testkit = System.getProperty("jstgt.testkit.jar", "target/jstgt-testkit.jar");
        String repo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        try {
            // the probe talks to 127.0.0.1:3260 and must find the container's target there
            KarafInstance.awaitPortFree();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        deleteEarlierRuntimes(new File("target/exam"));
        for (String f : new String[] {tarball, testkit}) {
            if (!new File(f).isFile()) {
                throw new AssertionError(f + " not found: the dependency plugin copies the assembly and the testkit"
                        + " there in pre-integration-test (build features/ and assembly/ first)");
            }
        }
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(tarball).toURI().toString())
                    .name("jstgt")
                    .karafVersion("4.4.10")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.INFO),
            systemTimeout(WAIT.toMillis() * 2),
            // bundles the probe needs that are not in the assembly resolve from the build's repository
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", repo),
            // keep out of the way of another Karaf on this machine
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", "18101"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", "11099"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", "44445"),
            // shellAs runs commands as a javax.security.auth.Subject; the probe found that package by a
            // dynamic import, which failed once in a full itest run ("javax.security.auth.Subject not
            // found by PAXEXAM-PROBE") and never alone: from the JDK directly, as Karaf does for the
            // JAAS principal classes the same code uses
            editConfigurationFileExtend("etc/config.properties", "org.osgi.framework.bootdelegation",
                    "javax.security.auth"),
            bundle(new File(testkit).toURI().toString()),
        };
    }

    /**
     * Pax Exam does not always remove its unpacked container; keep only the one about to start (the
     * last one stays after the run for diagnosis).
     */
    static void deleteEarlierRuntimes(File examDir) {
        File[] old = examDir.listFiles(File::isDirectory);
        if (old == null) {
            return;
        }
        for (File dir : old) {
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(dir.toPath())) {
                for (java.nio.file.Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("cannot delete " + dir + ": " + e);
            }
        }
    }

    /**
     * Runs a command in a Karaf shell session of the container, as a user with the roles of
     * Karaf's admin group (admin, manager, viewer): the command ACLs (etc/org.apache.karaf.command.acl.*.cfg,
     * ours for the scope iscsi among them) check the roles of the calling subject.
     *
     * @param sessions the container's shell session factory
     * @param command the command line
     * @return what it printed
     */
    static String shell(org.apache.karaf.shell.api.console.SessionFactory sessions, String command) throws Exception {
        return shellAs(sessions, command, "admin", "manager", "viewer");
    }

    /**
     * Runs a command in a Karaf shell session of the container as a user holding exactly
     * {@code roles}.
     *
     * @param sessions the container's shell session factory
     * @param command the command line
     * @param roles the JAAS roles of the user
     * @return what it printed
     * @throws Exception what the command threw; a command the roles may not run throws
     *         SecurityException ("Insufficient credentials") or CommandNotFoundException (hidden)
     */
    static String shellAs(org.apache.karaf.shell.api.console.SessionFactory sessions, String command, String... roles)
            throws Exception {
        javax.security.auth.Subject subject = new javax.security.auth.Subject();
        for (String role : roles) {
            subject.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal(role));
        }
        try {
            return javax.security.auth.Subject.doAs(subject,
                    (java.security.PrivilegedExceptionAction<String>) () -> execute(sessions, command));
        } catch (java.security.PrivilegedActionException e) {
            throw e.getException();
        }
    }

    private static String execute(org.apache.karaf.shell.api.console.SessionFactory sessions, String command)
            throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session s = sessions.create(new java.io.ByteArrayInputStream(new byte[0]),
                out, out);
        try {
            s.execute(command);
        } finally {
            s.close();
        }
        out.flush();
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
