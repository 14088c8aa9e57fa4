package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.Test;

/**
 * The production start path of the unpacked assembly, which never builds anything: Karaf's own
 * {@code bin/start}, {@code bin/status} and {@code bin/stop}, and the systemd unit that
 * {@code bin/jstgt-systemd-unit} prints for the installation.
 */
class ProductionStartIT {
    private static final Duration SCRIPT = Duration.ofSeconds(60);
    private static final Duration START = Duration.ofSeconds(90);

    @Test
    void binStartRunsTheServerInTheBackgroundStatusSeesItAndStopStopsIt() throws Exception {
        KarafInstance unpacked = KarafInstance.unpack("scripts");
        Path home = unpacked.home().toRealPath();
        Optional<ProcessHandle> server = Optional.empty();
        boolean passed = false;
        try {
            Processes.Result before = script(home, "status");
            assertNotEquals(0, before.exitCode(), "bin/status before any start: " + before.describe());
            assertTrue(before.output().contains("Not Running"), before.describe());

            Processes.Result start = script(home, "start");
            assertEquals(0, start.exitCode(), start.describe());
            // bin/start returns at once: the server runs on in the background, no longer our child
            Await.until(START, "karaf.pid of the server bin/start launched", () -> serverPid(home).isPresent());
            server = serverPid(home);
            DemoTargetCheck.assertServes(START);
            // bin/setenv's JIT cutoffs reach the server JVM (no deoptimization storm, JDK-8374307)
            List<String> args = commandLine(Long.toString(server.get().pid()));
            assertTrue(args.contains("-XX:PerMethodRecompilationCutoff=10000")
                    && args.contains("-XX:PerBytecodeRecompilationCutoff=10000"), "server command line: " + args);

            Processes.Result running = script(home, "status");
            assertEquals(0, running.exitCode(), "bin/status while it runs: " + running.describe());
            assertTrue(running.output().contains("Running"), running.describe());

            Processes.Result stop = script(home, "stop");
            assertEquals(0, stop.exitCode(), stop.describe());
            ProcessHandle jvm = server.get();
            Await.until(START, "the server (PID " + jvm.pid() + ") to exit after bin/stop", () -> !jvm.isAlive());
            Await.until(Duration.ofSeconds(15), "127.0.0.1:3260 to close after bin/stop",
                    () -> !KarafInstance.accepts(DemoTargetCheck.PORTAL));

            Processes.Result after = script(home, "status");
            assertNotEquals(0, after.exitCode(), "bin/status after bin/stop: " + after.describe());
            passed = true;
        } finally {
            if (!passed) {
                System.out.println("=== bin/start test failed; kept " + home + "\n--- data/log/karaf.log ---\n"
                        + Processes.tail(home.resolve("data/log/karaf.log"), 150));
            }
            // only the server this test started: the PID in this installation's karaf.pid whose
            // command line names this karaf.base
            Optional<ProcessHandle> left = serverPid(home);
            if (left.isPresent()) {
                Processes.kill(left.get(), Duration.ofSeconds(30));
            }
            if (passed) {
                unpacked.delete();
            }
        }
    }

    @Test
    void unitGeneratorPrintsAUnitForTheInstallationThatSystemdAccepts() throws Exception {
        KarafInstance unpacked = KarafInstance.unpack("unit");
        Path home = unpacked.home().toRealPath();
        Path generator = home.resolve("bin/jstgt-systemd-unit");
        assertTrue(Files.isExecutable(generator), generator + " is shipped executable");

        Processes.Result r = Processes.run(SCRIPT, generator.toString(), "--user", "jstgt", "--group", "jstgt",
                "--java-home", System.getProperty("java.home")).assertSuccess();
        String unit = r.output();
        Map<String, List<String>> keys = parse(unit);
        assertEquals(List.of("simple"), keys.get("Type"));
        assertEquals(List.of(home + "/bin/karaf server"), keys.get("ExecStart"));
        assertEquals(List.of(home.toString()), keys.get("WorkingDirectory"));
        assertEquals(List.of("jstgt"), keys.get("User"));
        assertEquals(List.of("jstgt"), keys.get("Group"));
        assertEquals(List.of("on-failure"), keys.get("Restart"));
        assertEquals(List.of("65536"), keys.get("LimitNOFILE"));
        assertEquals(List.of("143"), keys.get("SuccessExitStatus"));
        assertEquals(List.of("multi-user.target"), keys.get("WantedBy"));
        String env = String.join(" ", keys.get("Environment"));
        for (String e : List.of("KARAF_HOME=" + home, "KARAF_BASE=" + home, "KARAF_DATA=" + home + "/data",
                "KARAF_ETC=" + home + "/etc", "KARAF_EXEC=exec", "JAVA_HOME=" + System.getProperty("java.home"))) {
            assertTrue((" " + env + " ").contains(" " + e + " "), e + " in Environment: " + env);
        }
        String lower = unit.toLowerCase(java.util.Locale.ROOT);
        assertFalse(lower.contains("secret=") || lower.contains("password"), "no secret in the unit:\n" + unit);

        Path file = home.resolve("jstgt.service");
        Files.writeString(file, unit, StandardCharsets.UTF_8);
        if (Processes.onPath("systemd-analyze")) {
            Processes.Result v = Processes.run(SCRIPT, "systemd-analyze", "verify", file.toString());
            assertEquals(0, v.exitCode(), v.describe());
            // verify exits 0 on keys it ignores; every complaint about the unit names its file
            assertFalse(v.output().contains("jstgt.service"), "systemd-analyze verify found problems: " + v.output());
        } else {
            System.out.println("systemd-analyze not on PATH: the unit was checked structurally only");
        }

        Processes.Result root = Processes.run(SCRIPT, generator.toString(), "--user", "root");
        assertEquals(2, root.exitCode(), root.describe());
        assertTrue(root.output().contains("--user root"), root.describe());
        Processes.Result badLimit = Processes.run(SCRIPT, generator.toString(), "--user", "jstgt", "--nofile", "many");
        assertEquals(2, badLimit.exitCode(), badLimit.describe());
        assertTrue(badLimit.output().contains("--nofile 'many' is not a number"), badLimit.describe());
        unpacked.delete();
    }

    /** @return the unit's {@code key=value} lines (comments and sections left out), values per key in order */
    private static Map<String, List<String>> parse(String unit) {
        Map<String, List<String>> keys = new java.util.TreeMap<>();
        for (String line : unit.lines().toList()) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("[")) {
                continue;
            }
            int eq = t.indexOf('=');
            assertTrue(eq > 0, "not a key=value line: " + line);
            keys.computeIfAbsent(t.substring(0, eq), k -> new ArrayList<>()).add(t.substring(eq + 1));
        }
        return keys;
    }

    /** Runs bin/{@code name} of the installation with JAVA_HOME set, bounded. */
    private static Processes.Result script(Path home, String name) throws IOException, InterruptedException {
        return Processes.runWithEnv(SCRIPT, Map.of("JAVA_HOME", System.getProperty("java.home")),
                home.resolve("bin").resolve(name).toString());
    }

    /**
     * @return the server of this installation: the live process named by its karaf.pid whose
     *         command line carries {@code -Dkaraf.base=<home>}
     */
    private static Optional<ProcessHandle> serverPid(Path home) {
        Path pidFile = home.resolve("karaf.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            String pid = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            if (!pid.matches("[0-9]+")) {
                return Optional.empty();
            }
            if (!commandLine(pid).contains("-Dkaraf.base=" + home)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * @return the arguments of process {@code pid}, empty when it is gone; from /proc, not
     *         ProcessHandle.Info, which leaves the arguments out of a command line this long
     */
    private static List<String> commandLine(String pid) throws IOException {
        Path cmdline = Path.of("/proc", pid, "cmdline");
        if (!Files.isReadable(cmdline)) {
            return List.of();
        }
        return List.of(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
    }
}
