package org.jstgt.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.LoginFailedException;

/**
 * One unpacked jstgt assembly, started as {@code bin/karaf server} in its own directory. Only the
 * processes it started are ever stopped, by their PIDs.
 */
final class KarafInstance implements AutoCloseable {
    static final String DEMO_IQN = "iqn.2026-11.org.jstgt:demo";
    static final InetSocketAddress PORTAL_V4 = new InetSocketAddress("127.0.0.1", 3260);
    static final InetSocketAddress PORTAL_V6 = new InetSocketAddress("::1", 3260);
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path home;
    /** The IPv4 portal whose accepting connections means the instance is up. */
    private final InetSocketAddress portal;
    private Process process;
    private String javaOptions = "";

    private KarafInstance(Path home, InetSocketAddress portal) {
        this.home = home;
        this.portal = portal;
    }

    /**
     * Unpacks the assembly tarball named by the {@code jstgt.assembly.tarball} system property into a
     * fresh directory under {@code jstgt.itest.dir}.
     *
     * @param label part of the directory name
     * @return the instance, not started
     */
    static KarafInstance unpack(String label) throws IOException, InterruptedException {
        String tarball = System.getProperty("jstgt.assembly.tarball");
        if (tarball == null || !Files.isRegularFile(Path.of(tarball))) {
            throw new AssertionError("assembly tarball not found: jstgt.assembly.tarball=" + tarball
                    + " (build features/ and assembly/ first)");
        }
        Path base = Path.of(System.getProperty("jstgt.itest.dir", "target/itest"));
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base, label + "-");
        Processes.run(Duration.ofSeconds(120), "tar", "-xzf", tarball, "-C", dir.toString()).assertSuccess();
        try (Stream<Path> s = Files.find(dir, 3, (p, a) -> p.endsWith(Path.of("bin", "karaf")) && a.isRegularFile())) {
            Path karaf = s.findFirst().orElseThrow(() -> new AssertionError("no bin/karaf in " + tarball));
            return new KarafInstance(karaf.getParent().getParent(), PORTAL_V4);
        }
    }

    /** @param options JVM options added for the next start (EXTRA_JAVA_OPTS), or "" */
    void javaOptions(String options) {
        this.javaOptions = options;
    }

    /**
     * Like {@link #unpack(String)}, for an instance that keeps off the shipped ports, so that it can
     * run beside another jstgt: its demo portal listens on 127.0.0.1:{@code port} only (no IPv6
     * portal), and its SSH console and JMX connector (RMI registry and server) on free ports.
     *
     * @param label part of the directory name
     * @param port the demo portal's port
     * @return the instance, not started
     */
    static KarafInstance unpackOnPort(String label, int port) throws IOException, InterruptedException {
        KarafInstance shipped = unpack(label);
        KarafInstance k = new KarafInstance(shipped.home, new InetSocketAddress("127.0.0.1", port));
        k.setKey("jstgt.portal-default.cfg", "listen", "127.0.0.1:" + port);
        k.setKey("org.apache.karaf.shell.cfg", "sshPort", Integer.toString(freePort()));
        k.setKey("org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freePort()));
        k.setKey("org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freePort()));
        return k;
    }

    /** What a test does with an instance it was given unpacked, not started. */
    interface Body {
        void run(KarafInstance karaf) throws Exception;
    }

    /**
     * Unpacks an instance on a free port and runs {@code body} with it; the instance is stopped
     * afterwards, and deleted when the body passed (kept for diagnosis otherwise, with its
     * diagnostics printed).
     *
     * @param label part of the directory name
     * @param body the test
     */
    static void runOnFreePort(String label, Body body) throws Exception {
        KarafInstance karaf = unpackOnPort(label, freePort());
        boolean passed = false;
        try {
            body.run(karaf);
            passed = true;
        } catch (AssertionError | Exception e) {
            System.out.println("=== " + label + " failed; karaf diagnostics:\n" + karaf.diagnostics());
            throw e;
        } finally {
            karaf.stop();
            if (passed) {
                karaf.delete();
            }
        }
    }

    /** @return a TCP port on 127.0.0.1 that nothing listens on now */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Sets {@code key = value} in an existing etc/ file (before the start), the file's other lines kept. */
    private void setKey(String file, String key, String value) throws IOException {
        Path f = etc().resolve(file);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        List<String> out = lines.stream().filter(l -> !l.trim().matches(Pattern.quote(key) + "\\s*=.*"))
                .collect(Collectors.toCollection(ArrayList::new));
        out.add(key + " = " + value);
        Files.write(f, out, StandardCharsets.UTF_8);
    }

    /** @return the IPv4 portal this instance is awaited on */
    InetSocketAddress portal() {
        return portal;
    }

    /** @return KARAF_HOME */
    Path home() {
        return home;
    }

    /** @return the etc directory */
    Path etc() {
        return home.resolve("etc");
    }

    /** @return the process started, or null */
    Process process() {
        return process;
    }

    /**
     * Starts {@code bin/karaf server} and waits, at most {@link #START_TIMEOUT}, until the demo
     * portal (127.0.0.1:3260 unless {@link #unpackOnPort}) accepts connections.
     */
    void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running, PID " + process.pid());
        }
        awaitPortFree(portal);
        boolean firstBoot = !Files.exists(karafLog());
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        if (!javaOptions.isEmpty()) {
            String inherited = pb.environment().getOrDefault("EXTRA_JAVA_OPTS", "");
            pb.environment().put("EXTRA_JAVA_OPTS", (inherited + " " + javaOptions).trim());
        }
        process = pb.start();
        try {
            Await.until(START_TIMEOUT, "karaf to accept connections on " + portal + " or to exit",
                    () -> !process.isAlive() || accepts(portal));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics() + "\n--- thread dump of the Karaf JVM ---\n"
                    + threadDump(), e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("karaf exited with " + process.exitValue() + " during start\n" + diagnostics());
        }
        awaitCore();
        if (firstBoot) {
            assertNoBootRefresh();
        }
    }

    /**
     * The portal may listen before the SCSI core is up (the fabric and the core are separate
     * bundles); until it is, logins get 0x0301 (service unavailable, retry later). Waits, within
     * {@link #START_TIMEOUT}, until a discovery login is answered otherwise: a SendTargets that
     * succeeds, or a refusal of another class (discovery that requires CHAP, say).
     */
    private void awaitCore() {
        try {
            Await.until(START_TIMEOUT, "the SCSI core behind " + portal + " (logins not answered 0x03xx)", () -> {
                try {
                    Initiator.sendTargets(portal, InitiatorOptions.defaults());
                    return true;
                } catch (LoginFailedException e) {
                    return e.statusClass() != 0x03;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
    }

    private Path karafLog() {
        return home.resolve("data/log/karaf.log");
    }

    /**
     * The first boot installs the boot features without stopping a single bundle: a boot deployment
     * that refreshes the framework's startup bundles (Karaf's features.core among them) races the
     * synchronous boot installer and can hang the boot for good (the assembly's startup features
     * exist to prevent it). Karaf logs "Stopping bundles:" before such a refresh; jstgt's portal
     * opens after that point of the deployment, so the log already shows it.
     */
    private void assertNoBootRefresh() throws IOException {
        List<String> lines = Files.readAllLines(karafLog(), StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("| Stopping bundles:") || lines.get(i).contains("| Refreshing bundles:")) {
                String shown = String.join("\n", lines.subList(i, Math.min(lines.size(), i + 12)));
                throw new AssertionError("the first boot of " + home + " refreshed bundles it had started:\n" + shown);
            }
        }
    }

    /** @return the Karaf JVM: the started process or the one of its descendants that runs java */
    Optional<ProcessHandle> jvm() {
        return Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants())
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst();
    }

    /**
     * {@code kill -9} of the Karaf JVM this instance started (found among the started process and
     * its descendants, never by name): no shutdown hook, no close, no flush runs. Waits until it and
     * the launcher script are gone and the portal no longer accepts.
     */
    void killJvm() throws InterruptedException {
        if (process == null) {
            throw new IllegalStateException("not started");
        }
        ProcessHandle root = process.toHandle();
        ProcessHandle jvm = jvm().orElseThrow(() -> new AssertionError("no Karaf JVM under PID " + root.pid()));
        jvm.destroyForcibly();
        try {
            jvm.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the Karaf JVM " + jvm.pid() + " outlived SIGKILL by " + STOP_TIMEOUT, e);
        }
        // the launcher script ends with the JVM; whatever else is left of the tree goes the usual way
        Processes.kill(root, STOP_TIMEOUT);
        process = null;
        Await.until(Duration.ofSeconds(15), portal + " to stop accepting connections after kill -9",
                () -> !accepts(portal));
    }

    /** @return the stack of every thread of the Karaf JVM (a boot that hangs), or why there is none */
    private String threadDump() {
        Optional<ProcessHandle> jvm = jvm();
        if (jvm.isEmpty()) {
            return "(no java process found)";
        }
        try {
            Processes.Result r = Processes.run(Duration.ofSeconds(20),
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(jvm.get().pid()), "Thread.print");
            return r.output();
        } catch (IOException | RuntimeException e) {
            return "(jcmd failed: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /**
     * Waits, at most 30 s, until nothing accepts on 127.0.0.1:3260 (a previous test's instance may
     * still be shutting down).
     *
     * @throws AssertionError when another target keeps the port
     */
    static void awaitPortFree() throws InterruptedException {
        awaitPortFree(PORTAL_V4);
    }

    private static void awaitPortFree(InetSocketAddress portal) throws InterruptedException {
        Await.until(Duration.ofSeconds(30), portal + " to be free before jstgt starts (if it stays taken,"
                + " another target is running: ./jstgt stop, or stop tgt/istgt; these tests need the shipped port)",
                () -> !accepts(portal));
    }

    /**
     * SIGTERM to the started process and its children, bounded wait, SIGKILL if needed; then waits
     * until the portal no longer accepts.
     */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        Processes.kill(process.toHandle(), STOP_TIMEOUT);
        process = null;
        Await.until(Duration.ofSeconds(15), portal + " to stop accepting connections after stopping karaf",
                () -> !accepts(portal));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /**
     * Drops a configuration file into etc/ atomically (FileInstall ignores the temporary name).
     *
     * @param name file name, e.g. {@code jstgt.lun-hot1.cfg}
     * @param content the text
     */
    void writeEtc(String name, String content) throws IOException {
        Path tmp = etc().resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, etc().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * @param iqn a target IQN
     * @return the etc/jstgt.target-*.cfg file that declares it
     */
    Path targetFile(String iqn) throws IOException {
        try (Stream<Path> s = Files.list(etc())) {
            List<Path> files = s.filter(p -> p.getFileName().toString().matches("jstgt\\.target-.*\\.cfg")).toList();
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String t = line.trim();
                    if (t.startsWith("iqn") && t.substring(3).trim().startsWith("=")
                            && t.substring(t.indexOf('=') + 1).trim().equalsIgnoreCase(iqn)) {
                        return f;
                    }
                }
            }
            throw new AssertionError("no etc/jstgt.target-*.cfg with iqn = " + iqn + " among " + files);
        }
    }

    /**
     * Compares a SendTargets TargetAddress ({@code host:port,tag}, IPv6 hosts in brackets, RFC 7143
     * §13.9) with an address, whatever textual form the IPv6 host takes.
     *
     * @param targetAddress the value as sent
     * @param expected the portal
     * @return true when host and port match
     */
    static boolean sameAddress(String targetAddress, InetSocketAddress expected) {
        String hostPort = targetAddress.contains(",") ? targetAddress.substring(0, targetAddress.lastIndexOf(','))
                : targetAddress;
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return Integer.parseInt(hostPort.substring(colon + 1)) == expected.getPort()
                    && java.net.InetAddress.getByName(host).equals(expected.getAddress());
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Deletes the instance directory (after a successful run; kept for diagnosis otherwise). */
    void delete() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("running");
        }
        Path dir = home.getParent();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** @return the console output and the end of data/log/karaf.log */
    String diagnostics() {
        return "--- console.log (tail) ---\n" + Processes.tail(home.resolve("console.log"), 60)
                + "\n--- data/log/karaf.log (tail) ---\n" + Processes.tail(karafLog(), 150);
    }

    /**
     * @param address an address
     * @return true when a TCP connection to it succeeds within a second
     */
    static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
