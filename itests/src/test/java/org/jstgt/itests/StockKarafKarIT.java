package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.Test;

/**
 * The jstgt KAR (jstgt-features-&lt;version&gt;.kar) on a stock Apache Karaf 4.4.10 that cannot
 * reach any Maven repository: its local repository is an empty directory and it has no remote one,
 * so everything jstgt needs beyond the distribution's own system/ (our bundles, Netty, JNA,
 * Declarative Services, the default configuration) must come from the KAR. The KAR is dropped into
 * deploy/ before the first start, as an offline installation would; Karaf installs the `jstgt`
 * feature from it, and the demo target serves.
 *
 * <p>A plain {@code bin/karaf server} process, stopped by its PID tree afterwards.
 */
class StockKarafKarIT {
    private static final Duration START = Duration.ofSeconds(150);
    private static final Duration STOP = Duration.ofSeconds(30);

    @Test
    void karInDeployOfAnOfflineStockKarafInstallsAServingTarget() throws Exception {
        Path tarball = existing("jstgt.stock.karaf");
        Path kar = existing("jstgt.kar");
        KarafInstance.awaitPortFree();
        Path base = Path.of(System.getProperty("jstgt.itest.dir", "target/itest"));
        Files.createDirectories(base);
        Path dir = Files.createTempDirectory(base, "stock-kar-");
        Processes.run(Duration.ofSeconds(120), "tar", "-xzf", tarball.toString(), "-C", dir.toString()).assertSuccess();
        Path home;
        try (Stream<Path> s = Files.list(dir)) {
            home = s.filter(p -> Files.isExecutable(p.resolve("bin/karaf"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no bin/karaf in " + tarball));
        }
        Path emptyRepo = Files.createDirectories(dir.resolve("empty-m2"));
        setKey(home, "org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", emptyRepo.toString());
        setKey(home, "org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", "");
        setKey(home, "org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.offline", "true");
        setKey(home, "org.apache.karaf.shell.cfg", "sshPort", Integer.toString(KarafInstance.freePort()));
        setKey(home, "org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1");
        setKey(home, "org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(KarafInstance.freePort()));
        setKey(home, "org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(KarafInstance.freePort()));
        setKey(home, "org.apache.karaf.management.cfg", "rmiRegistryHost", "127.0.0.1");
        setKey(home, "org.apache.karaf.management.cfg", "rmiServerHost", "127.0.0.1");
        Files.copy(kar, home.resolve("deploy").resolve("jstgt.kar"));

        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server").directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process karaf = pb.start();
        boolean passed = false;
        try {
            Await.until(START, "the stock Karaf to install the KAR and open 127.0.0.1:3260 (or to exit)",
                    () -> !karaf.isAlive() || KarafInstance.accepts(DemoTargetCheck.PORTAL));
            assertTrue(karaf.isAlive(), "karaf exited during its start; see console.log below");
            DemoTargetCheck.assertServes(START);
            for (String f : List.of("jstgt.portal-default.cfg", "jstgt.lun-disk0.cfg", "jstgt.target-demo.cfg",
                    "org.apache.karaf.command.acl.iscsi.cfg")) {
                // installed from the KAR as the repository's etc/ has it (read again while FileInstall
                // writes its configuration back to it, see EtcFileCheck)
                EtcFileCheck.assertHolds(home.resolve("etc").resolve(f),
                        Files.readAllBytes(Path.of(System.getProperty("jstgt.repo.etc"), f)), START);
            }
            assertTrue(Files.isRegularFile(home.resolve("data/luns/disk0.img")), "the demo LUN's file in data/luns");
            try (Stream<Path> s = Files.walk(emptyRepo)) {
                assertEquals(List.of(), s.filter(Files::isRegularFile).toList(),
                        "nothing fetched into the local repository");
            }
            passed = true;
        } finally {
            if (!passed) {
                System.out.println("=== StockKarafKarIT failed; kept " + home + "\n--- console.log ---\n"
                        + Processes.tail(home.resolve("console.log"), 60) + "\n--- data/log/karaf.log ---\n"
                        + Processes.tail(home.resolve("data/log/karaf.log"), 200));
            }
            Processes.kill(karaf.toHandle(), STOP);
            Await.until(Duration.ofSeconds(15), "127.0.0.1:3260 to close after the stock Karaf stopped",
                    () -> !KarafInstance.accepts(DemoTargetCheck.PORTAL));
            if (passed) {
                delete(dir);
            }
        }
    }

    private static Path existing(String property) {
        String f = System.getProperty(property);
        assertTrue(f != null && Files.isRegularFile(Path.of(f)),
                property + "=" + f + ": not found (the dependency plugin copies it in pre-integration-test)");
        return Path.of(f);
    }

    /** Sets {@code key = value} in etc/{@code file}, the file's other lines kept. */
    private static void setKey(Path home, String file, String key, String value) throws IOException {
        Path f = home.resolve("etc").resolve(file);
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        boolean continued = false;
        for (String l : lines) {
            // drop the key's old value with its continuation lines (stock: a multi-line repository list)
            boolean starts = l.trim().matches(Pattern.quote(key) + "\\s*=.*");
            if (starts || continued) {
                continued = l.endsWith("\\");
                continue;
            }
            out.add(l);
        }
        out.add(key + " = " + value);
        Files.write(f, out, StandardCharsets.UTF_8);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
