package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jstgt-metrics feature on the real assembly: installed at runtime, then {@code qemu-img bench}
 * drives LUN 0 while the test reads {@code /jstgt/metrics} and loads the web page in Debian's
 * headless Chromium, which must show real numbers that change. The screenshot is kept in
 * {@code itests/target/jstgt-web.png} and copied to {@code docs/img/jstgt-web.png}. The MBeans are
 * read through the JVM's local management agent (attach API). Skipped when
 * qemu-img or chromium is missing, unless {@code JSTGT_REQUIRE_INITIATORS=1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsPageIT {
    private static final String BASE = "http://127.0.0.1:8181/jstgt/";
    private static final String URL = "iscsi://127.0.0.1:3260/" + KarafInstance.DEMO_IQN + "/0";
    private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CHROMIUM_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("metrics-page", "qemu-img", "chromium");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private KarafInstance karaf;
    private Process load;

    @BeforeAll
    void installFeatureAndStartLoad() throws Exception {
        karaf = ASSEMBLY.karaf();
        // the deployer installs a feature marked install="auto" from a features file dropped into deploy/,
        // as feature:install would
        Files.writeString(karaf.home().resolve("deploy/metrics-itest.xml"), String.join("\n",
                "<features xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\" name=\"metrics-itest\">",
                "  <feature name=\"metrics-itest\" version=\"1.0.0\" install=\"auto\">",
                "    <feature>jstgt-metrics</feature>",
                "  </feature>",
                "</features>", ""));
        Await.until(INSTALL_TIMEOUT, "GET " + BASE + "metrics to answer 200 after installing jstgt-metrics",
                () -> status(BASE + "metrics") == 200);
        // qemu-img bench, bounded by timeout(1): one session reads and another writes 4 KiB blocks at queue
        // depth 8 on LUN 0, each in a loop of 20,000-request runs
        String bench = "qemu-img bench -f raw -t none -c 20000 -d 8 -s 4096 -S 65536";
        ProcessBuilder pb = new ProcessBuilder("timeout", "180", "bash", "-c",
                "(while :; do " + bench + " " + URL + " >/dev/null || sleep 1; done) & "
                        + "(while :; do " + bench + " -w " + URL + " >/dev/null || sleep 1; done) & wait")
                .redirectErrorStream(true).redirectOutput(karaf.home().resolve("qemu-bench.log").toFile());
        load = pb.start();
    }

    @AfterAll
    void stopLoad() throws InterruptedException {
        if (load != null) {
            Processes.kill(load.toHandle(), Duration.ofSeconds(10));
        }
    }

    private int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), "no '" + series + "' in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    @Order(1)
    void metricsCountersGrowUnderLoad() throws Exception {
        String reads = "jstgt_lun_commands_total{kind=\"read\",lun=\"disk0\"}";
        String bytes = "jstgt_lun_bytes_total{kind=\"read\",lun=\"disk0\"}";
        Await.until(Duration.ofSeconds(60), "reads counted on disk0 under qemu-img bench", () -> {
            HttpResponse<String> r = get(BASE + "metrics");
            return r.body().contains(reads) && value(r.body(), reads) > 0;
        });
        HttpResponse<String> first = get(BASE + "metrics");
        assertEquals(200, first.statusCode());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                first.headers().toString());
        Thread.sleep(3000);
        String second = get(BASE + "metrics").body();
        String firstBody = first.body();
        assertTrue(value(second, reads) + value(second, "jstgt_lun_commands_total{kind=\"write\",lun=\"disk0\"}")
                > value(firstBody, reads) + value(firstBody, "jstgt_lun_commands_total{kind=\"write\",lun=\"disk0\"}"),
                "commands grew in 3 s of load");
        assertTrue(value(second, bytes) + value(second, "jstgt_lun_bytes_total{kind=\"write\",lun=\"disk0\"}")
                > value(firstBody, bytes) + value(firstBody, "jstgt_lun_bytes_total{kind=\"write\",lun=\"disk0\"}"));
        assertTrue(second.contains("# TYPE jstgt_lun_latency_seconds histogram"), second);
        assertTrue(value(second, "jstgt_target_commands_total{kind=\"read\",target=\"demo\"}") > 0, second);
        assertTrue(Pattern.compile("(?m)^jstgt_session_commands_total\\{initiator=\"[^\"]+\",kind=\"read\"")
                .matcher(second).find(), "session meters of qemu-img's session:\n" + second);
    }

    @Test
    @Order(2)
    void overviewJsonShowsTheDemoTargetAndRates() throws Exception {
        HttpResponse<String> r = get(BASE + "api/overview");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"iqn\":\"" + KarafInstance.DEMO_IQN + "\""), r.body());
        assertTrue(r.body().contains("\"name\":\"disk0\""), r.body());
        assertTrue(r.body().contains("\"history\":{\"disk0\":[["), r.body());
    }

    @Test
    @Order(3)
    void pageShowsRealChangingNumbersInChromium() throws Exception {
        String first = dumpDom();
        String commands1 = lunCell(first, "commands");
        Thread.sleep(3000);
        String second = dumpDom();
        String commands2 = lunCell(second, "commands");
        assertNotEquals(commands1, commands2, "disk0's command count on the page changes under load");
        assertTrue(Long.parseLong(commands2) > Long.parseLong(commands1), commands1 + " -> " + commands2);
        String iops = lunCell(second, "readIops") + " / " + lunCell(second, "writeIops");
        assertTrue(!iops.equals("0.0 / 0.0"), "disk0 shows IOPS under load: " + iops);
        assertTrue(second.contains("id=\"chart-disk0\""), "a chart for disk0");
        assertTrue(second.contains(KarafInstance.DEMO_IQN), "the demo target is listed");

        Path shot = Path.of(System.getProperty("jstgt.itest.dir", "target/itest")).getParent()
                .resolve("jstgt-web.png");
        Files.deleteIfExists(shot);
        chromium("--screenshot=" + shot.toAbsolutePath(), "--window-size=1280,900", "--virtual-time-budget=4000",
                BASE);
        assertTrue(Files.size(shot) > 10_000, "screenshot " + shot + " has " + Files.size(shot) + " bytes");
        Path docs = repositoryRoot().resolve("docs/img");
        Files.createDirectories(docs);
        Files.copy(shot, docs.resolve("jstgt-web.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(5)
    void httpListensOnLoopbackOnly() throws Exception {
        List<java.net.InetAddress> others = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                }).flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address).toList();
        org.junit.jupiter.api.Assumptions.assumeFalse(others.isEmpty(), "no non-loopback IPv4 address to try");
        for (java.net.InetAddress a : others) {
            assertFalse(KarafInstance.accepts(new java.net.InetSocketAddress(a, 8181)),
                    "port 8181 answers on " + a + "; etc/org.ops4j.pax.web.cfg keeps it on 127.0.0.1");
        }
        assertTrue(KarafInstance.accepts(new java.net.InetSocketAddress("127.0.0.1", 8181)));
    }

    @Test
    @Order(4)
    void mbeansInDomainOrgJstgtShowTheCounters() throws Exception {
        long pid = karaf.jvm().orElseThrow(() -> new AssertionError("no Karaf JVM under " + karaf.process())).pid();
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
            MBeanServerConnection server = c.getMBeanServerConnection();
            ObjectName lun = new ObjectName("org.jstgt:type=Lun,name=disk0");
            assertEquals("ACTIVE", server.getAttribute(lun, "State"));
            long before = (Long) server.getAttribute(lun, "Reads") + (Long) server.getAttribute(lun, "Writes");
            assertTrue(before > 0, "disk0 counted commands: " + before);
            assertTrue((Double) server.getAttribute(lun, "WriteLatencyP99Millis") >= 0);
            assertTrue(server.isRegistered(new ObjectName("org.jstgt:type=Target,name=demo")));
            assertFalse(server.queryNames(new ObjectName("org.jstgt:type=Session,*"), null).isEmpty(),
                    "qemu-img's sessions have MBeans");
            Thread.sleep(2000);
            long after = (Long) server.getAttribute(lun, "Reads") + (Long) server.getAttribute(lun, "Writes");
            assertTrue(after > before, before + " -> " + after);
        } finally {
            vm.detach();
        }
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        return dir.getFileName().toString().equals("itests") ? dir.getParent() : dir;
    }

    private String dumpDom() throws Exception {
        return chromium("--dump-dom", "--virtual-time-budget=3000", BASE);
    }

    private static String lunCell(String dom, String field) {
        Matcher m = Pattern.compile("<td class=\"num\" data-field=\"" + field + "\" data-lun=\"disk0\">([^<]*)</td>")
                .matcher(dom);
        if (!m.find()) {
            fail("no " + field + " cell of disk0 in the page:\n" + dom);
        }
        return m.group(1);
    }

    private String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory(karaf.home(), "chromium-");
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(CHROMIUM_TIMEOUT, cmd.toArray(String[]::new));
        if (r.exitCode() != 0) {
            fail("chromium failed: " + r.describe());
        }
        return r.output();
    }
}
