package org.jstgt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * {@code iscsi:stats} in the real assembly: the counters of the demo LUN, its target and the
 * session move with real I/O from the testkit initiator, and the shell shows them per LUN, target
 * and session while the I/O runs.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatsPaxExamIT {
    private static final String IQN = "iqn.2026-11.org.jstgt:demo";
    private static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INITIATOR = "iqn.2026-12.org.jstgt.itest:stats";

    /** The tests do not race the boot deployment. */
    @Inject
    private BootFinished bootFinished;

    @Inject
    private BundleContext bundleContext;

    @Inject
    private SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return PaxAssembly.options();
    }

    @Test
    public void statsShowTheCountsOfRealIo() throws Exception {
        Await.until(WAIT, "127.0.0.1:3260 to accept connections", StatsPaxExamIT::portalOpen, open -> open);
        try (Initiator session = Sessions.login(PORTAL, INITIATOR, IQN)) {
            IoStats lunBefore = stats(ManagementView::lunStats, "disk0");
            IoStats targetBefore = stats(ManagementView::targetStats, "demo");
            byte[] block = new byte[8 * 512];
            Arrays.fill(block, (byte) 0x5A);
            for (int i = 0; i < 5; i++) {
                session.scsi(0, Cdbs.write10(1000 + 8L * i, 8), block, 0).assertGood();
            }
            for (int i = 0; i < 7; i++) {
                session.scsi(0, Cdbs.read10(1000, 8), null, block.length).assertGood();
            }
            session.scsi(0, Cdbs.inquiry(false, 0, 36), null, 36).assertGood();

            IoStats lun = stats(ManagementView::lunStats, "disk0");
            assertEquals(7, lun.reads() - lunBefore.reads());
            assertEquals(5, lun.writes() - lunBefore.writes());
            assertEquals(7L * block.length, lun.readBytes() - lunBefore.readBytes());
            assertEquals(5L * block.length, lun.writeBytes() - lunBefore.writeBytes());
            IoStats target = stats(ManagementView::targetStats, "demo");
            assertEquals(7, target.reads() - targetBefore.reads());
            IoStats mine = sessionStats(session.tsih());
            assertEquals(7, mine.reads());
            assertEquals(5, mine.writes());
            // the login's TEST UNIT READYs (the first met the power-on unit attention) and the INQUIRY
            assertTrue(mine.toString(), mine.others() >= 2);
            assertTrue(mine.toString(), mine.errorsBySenseKey().getOrDefault("UNIT ATTENTION", 0L) >= 1);
            assertEquals(0, mine.inFlight());

            // while reads run, each scope shows a read rate for the row asked for
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong done = new AtomicLong();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread load = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        session.scsi(0, Cdbs.read10(1000, 8), null, block.length).assertGood();
                        done.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "stats-load");
            load.start();
            try {
                Await.until(WAIT, "reads under way", done::get, n -> n > 10);
                assertReading(shell("iscsi:stats --no-format --interval 1 disk0"), "disk0");
                assertReading(shell("iscsi:stats --target --no-format --interval 1 demo"), "demo");
                String tsih = String.format("0x%04x", session.tsih());
                assertReading(shell("iscsi:stats --session --no-format --interval 1 " + tsih), tsih);
                String watched = shell("iscsi:stats --watch --count 2 --interval 0.5 --no-format disk0");
                assertEquals(watched, 2, watched.lines().filter(l -> l.startsWith("LUNs, ")).count());
            } finally {
                stop.set(true);
                load.join(WAIT.toMillis());
            }
            assertEquals(null, failed.get());
            try {
                String out = shell("iscsi:stats --no-format --interval 0.1 nosuchlun");
                assertTrue(out, out.contains("no LUN named 'nosuchlun'"));
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("no LUN named 'nosuchlun'"));
            }
            session.logout();
        }
    }

    /** The table has the row, and its r/s (second column) is above 0. */
    private static void assertReading(String table, String name) {
        Optional<String> row = table.lines().filter(l -> l.trim().startsWith(name)).findFirst();
        assertTrue("a row for " + name + " in:\n" + table, row.isPresent());
        String[] cells = row.get().split("\t");
        double readsPerSecond = Double.parseDouble(cells[1].trim());
        assertTrue("r/s above 0 for " + name + " in:\n" + table, readsPerSecond > 0);
    }

    private IoStats stats(java.util.function.Function<ManagementView, Map<String, IoStats>> read, String name)
            throws Exception {
        for (ServiceReference<ManagementView> ref : bundleContext.getServiceReferences(ManagementView.class, null)) {
            ManagementView v = bundleContext.getService(ref);
            try {
                IoStats s = v == null ? null : read.apply(v).get(name);
                if (s != null) {
                    return s;
                }
            } finally {
                bundleContext.ungetService(ref);
            }
        }
        throw new AssertionError("no view has counters of " + name);
    }

    private IoStats sessionStats(int tsih) throws Exception {
        for (ServiceReference<ManagementView> ref : bundleContext.getServiceReferences(ManagementView.class, null)) {
            ManagementView v = bundleContext.getService(ref);
            try {
                IoStats s = v == null ? null : v.sessionStats().get(tsih);
                if (s != null) {
                    return s;
                }
            } finally {
                bundleContext.ungetService(ref);
            }
        }
        throw new AssertionError("no view has counters of session " + tsih);
    }

    private String shell(String command) throws Exception {
        return PaxAssembly.shell(sessionFactory, command);
    }

    private static boolean portalOpen() {
        try (Socket s = new Socket()) {
            s.connect(PORTAL, 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
