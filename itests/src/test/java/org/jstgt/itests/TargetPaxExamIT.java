package org.jstgt.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.DiscoveredTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.Negotiated;
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
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Boots the real assembly in Pax Exam's Karaf container and talks to it over TCP with the testkit
 * initiator: discovery, login, WRITE(10)/READ(10) with R2T-sized transfers, and a LUN hot-added
 * through Config Admin seen by REPORT LUNS and announced by a unit attention (SPC-4 §6.33,
 * REPORTED LUNS DATA HAS CHANGED).
 *
 * <p>The test methods run inside the container; the configuration method runs in the build JVM.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TargetPaxExamIT {
    private static final String IQN = "iqn.2026-11.org.jstgt:demo";
    private static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<String> CORE_BUNDLES = Set.of("jstgt-api", "jstgt-scsi", "jstgt-iscsi",
            "jstgt-auth-chap", "jstgt-device-disk", "jstgt-store-file", "jstgt-store-memory");

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

    @Configuration
    public Option[] config() {
        return PaxAssembly.options();
    }

    @Test
    public void jstgtBundlesAreActiveAndTargetServesIo() throws Exception {
        assertBundlesActive();
        awaitPortal();

        List<DiscoveredTarget> targets = Initiator.sendTargets(PORTAL, InitiatorOptions.defaults());
        DiscoveredTarget demo = targets.stream().filter(t -> t.name().equals(IQN)).findFirst()
                .orElseThrow(() -> new AssertionError("SendTargets=All did not list " + IQN + ": " + targets));
        assertTrue("127.0.0.1:3260 among " + demo.addresses(),
                demo.addresses().stream().anyMatch(a -> a.startsWith("127.0.0.1:3260,")));

        try (Initiator session = Initiator.connect(PORTAL, InitiatorOptions.defaults())) {
            Negotiated n = session.login(IQN);
            clearUnitAttentions(session, 0);
            ScsiData.Capacity cap = ScsiData.readCapacity16(
                    session.scsi(0, Cdbs.readCapacity16(32), null, 32).assertGood().data());
            assertEquals(512, cap.blockLength());
            assertEquals(1L << 30, cap.bytes());

            Random random = new Random();
            // 1 block fits in immediate data; the others exceed FirstBurstLength / MaxBurstLength
            // and need one or several R2Ts (RFC 7143 §11.8)
            int[] sizes = {1, (n.firstBurstLength() / 512) + 1, (n.maxBurstLength() / 512) * 2 + 3, 2048};
            long[] lbas = {0, 4096, 100_000, cap.lastLba() - 2047};
            for (int i = 0; i < sizes.length; i++) {
                byte[] data = new byte[sizes[i] * 512];
                random.nextBytes(data);
                session.scsi(0, Cdbs.write10(lbas[i], sizes[i]), data, 0).assertGood();
                ScsiReply r = session.scsi(0, Cdbs.read10(lbas[i], sizes[i]), null, data.length).assertGood();
                assertArrayEquals("blocks " + lbas[i] + "+" + sizes[i] + " read back", data, r.data());
            }
            Sense.LBA_OUT_OF_RANGE.check(session.scsi(0, Cdbs.read10(cap.lastLba() + 1, 1), null, 512));
            session.ping();
            session.logout();
        }
    }

    @Test
    public void lunHotAddedThroughConfigAdminIsReportedToExistingSession() throws Exception {
        awaitPortal();
        try (Initiator session = Initiator.connect(PORTAL, InitiatorOptions.defaults())) {
            session.login(IQN);
            clearUnitAttentions(session, 0);
            List<Integer> before = reportLuns(session);
            assertFalse("LUN 1 exists before the hot add: " + before, before.contains(1));

            org.osgi.service.cm.Configuration lun = configAdmin.createFactoryConfiguration("jstgt.lun", "?");
            Dictionary<String, Object> lunProps = new Hashtable<>();
            lunProps.put("name", "paxhot");
            lunProps.put("device.type", "disk");
            lunProps.put("store.type", "memory");
            lunProps.put("size", "16MiB");
            lunProps.put("block.size", "512");
            lun.update(lunProps);

            org.osgi.service.cm.Configuration target = demoTargetConfiguration();
            Dictionary<String, Object> targetProps = target.getProperties();
            targetProps.put("lun.1", "paxhot");
            target.update(targetProps);
            try {
                // SPC-4 §6.33 / SAM-5 §5.14: the change is announced by a unit attention to every
                // I_T nexus; REPORT LUNS would clear it, so TEST UNIT READY looks for it first
                ScsiReply tur = Await.until(WAIT, "a unit attention on LUN 0 after adding lun.1",
                        () -> session.scsi(0, Cdbs.testUnitReady(), null, 0), r -> !r.good());
                Sense.REPORTED_LUNS_CHANGED.check(tur);

                List<Integer> after = reportLuns(session);
                assertEquals("REPORT LUNS after the hot add", List.of(0, 1), sorted(after));

                byte[] data = new byte[64 * 512];
                new Random().nextBytes(data);
                clearUnitAttentions(session, 1);
                session.scsi(1, Cdbs.write10(10, 64), data, 0).assertGood();
                assertArrayEquals(data, session.scsi(1, Cdbs.read10(10, 64), null, data.length).assertGood().data());
                ScsiData.Capacity cap = ScsiData.readCapacity16(
                        session.scsi(1, Cdbs.readCapacity16(32), null, 32).assertGood().data());
                assertEquals(16L << 20, cap.bytes());
                session.logout();
            } finally {
                targetProps.remove("lun.1");
                target.update(targetProps);
                lun.delete();
            }
        }
    }

    /**
     * The device SPI proved by a device that lives in this test (ProofDevice): LUNs without a
     * store, a unit that queues in arrival order across nexuses, a completion with data and CHECK
     * CONDITION together (ILI), a unit attention the unit raises itself, and a medium loaded into
     * one LUN by another LUN through the core's LUN directory, over a real iSCSI session.
     */
    @Test
    public void aDeviceOfTheTestUsesTheWholeDeviceSpi() throws Exception {
        awaitPortal();
        org.osgi.framework.ServiceRegistration<org.jstgt.api.scsi.DeviceProvider> device =
                bundleContext.registerService(org.jstgt.api.scsi.DeviceProvider.class,
                        new org.jstgt.itests.proof.ProofDevice(),
                        new Hashtable<>(org.jstgt.itests.proof.ProofDevice.PROPERTIES));
        org.osgi.service.cm.Configuration drive = proofLun("proofdrive", "proof.role", "drive");
        org.osgi.service.cm.Configuration changer = proofLun("proofchanger", "proof.role", "changer",
                "proof.drive", "proofdrive");
        org.osgi.service.cm.Configuration target = demoTargetConfiguration();
        Dictionary<String, Object> targetProps = target.getProperties();
        targetProps.put("lun.2", "proofdrive");
        targetProps.put("lun.3", "proofchanger");
        target.update(targetProps);
        try (Initiator a = Initiator.connect(PORTAL, InitiatorOptions.defaults());
                Initiator b = Initiator.connect(PORTAL, InitiatorOptions.defaults()
                        .withInitiatorName("iqn.2026-11.org.jstgt:proof-b"))) {
            a.login(IQN);
            b.login(IQN);
            awaitLun(a, 2);
            awaitLun(a, 3);
            clearUnitAttentions(a, 3);
            // a drive without a medium is NOT READY, MEDIUM NOT PRESENT (3Ah)
            ScsiReply empty = clearUnitAttentionsUntil(a, 2);
            Sense.expect(org.jstgt.api.scsi.SenseKey.NOT_READY, 0x3A).check(empty);

            // MOVE MEDIUM on the changer loads cartridge "cart7" into the drive through the LUN directory
            byte[] move = Cdbs.raw(0xA5, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0);
            a.scsi(3, move, null, 0).assertGood();
            // the drive raised its own unit attention: NOT READY TO READY CHANGE (28h/00h), to every nexus
            Sense.expect(org.jstgt.api.scsi.SenseKey.UNIT_ATTENTION, 0x28, 0x00)
                    .check(a.scsi(2, Cdbs.testUnitReady(), null, 0));
            a.scsi(2, Cdbs.testUnitReady(), null, 0).assertGood();
            // a second MOVE MEDIUM finds the drive full: the changer's own sense code (3Bh/0Dh)
            Sense.expect(org.jstgt.api.scsi.SenseKey.ILLEGAL_REQUEST, 0x3B, 0x0D).check(a.scsi(3, move, null, 0));

            // READ(6) variable asking 1024 bytes of a 512-byte block: the data and CHECK CONDITION
            // with NO SENSE, ILI and INFORMATION = 512 (SSC-3 §4.2.19), in one reply
            ScsiReply shortRead = a.scsi(2, Cdbs.raw(0x08, 0, 0, 0x04, 0x00, 0), null, 1024);
            assertEquals("CHECK CONDITION", 2, shortRead.status());
            assertEquals("the block's data came with the status", 512, shortRead.data().length);
            Sense ili = shortRead.sense().orElseThrow();
            assertEquals(0, ili.key());
            assertTrue("ILI in " + ili, (ili.raw()[2] & 0x20) != 0);
            assertEquals(512L, ili.information().getAsLong());

            // in arrival order across nexuses: b's READ POSITION sent while a's SPACE (300 ms) runs
            // waits for it and sees its result
            clearUnitAttentions(b, 2);
            java.util.concurrent.CompletableFuture<ScsiReply> space = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return a.scsi(2, Cdbs.raw(0x11, 0, 0, 0, 5, 0), null, 0);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            // a deliberate delay, not a poll: let the SPACE be admitted before the READ POSITION is sent
            Thread.sleep(100);
            ScsiReply position = b.scsi(2, Cdbs.raw(0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0), null, 20).assertGood();
            space.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).assertGood();
            int firstBlock = java.nio.ByteBuffer.wrap(position.data()).getInt(4);
            assertEquals("READ POSITION ran after the SPACE admitted before it (1 block read + 5 spaced)", 6,
                    firstBlock);
            a.logout();
            b.logout();
        } finally {
            targetProps.remove("lun.2");
            targetProps.remove("lun.3");
            target.update(targetProps);
            changer.delete();
            drive.delete();
            device.unregister();
        }
    }

    private org.osgi.service.cm.Configuration proofLun(String name, String... kv) throws Exception {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration("jstgt.lun", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        p.put("device.type", org.jstgt.itests.proof.ProofDevice.TYPE);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        c.update(p);
        return c;
    }

    /** Waits, bounded, until REPORT LUNS lists {@code lun}. */
    private static void awaitLun(Initiator session, int lun) throws Exception {
        Await.until(WAIT, "REPORT LUNS to list LUN " + lun, () -> reportLuns(session), luns -> luns.contains(lun));
    }

    /** Consumes unit attentions on {@code lun} and returns the first reply that is not one. */
    private static ScsiReply clearUnitAttentionsUntil(Initiator session, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = session.scsi(lun, Cdbs.testUnitReady(), null, 0);
            if (r.good() || r.sense().map(x -> x.key() != 6).orElse(true)) {
                return r;
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions after 8 TEST UNIT READY");
    }

    @Test
    public void shellCommandsListWhatRuns() throws Exception {
        awaitPortal();
        try (Initiator session = Initiator.connect(PORTAL, InitiatorOptions.defaults())) {
            session.login(IQN);
            String luns = shell("iscsi:lun-list --no-format");
            assertTrue(luns, luns.lines().anyMatch(l -> l.startsWith("disk0\t") && l.contains("1 GiB")
                    && l.contains("ACTIVE")));
            String targets = shell("iscsi:target-list");
            assertTrue(targets, targets.contains(IQN) && targets.contains("disk0"));
            String portals = shell("iscsi:portal-list");
            assertTrue(portals, portals.contains("127.0.0.1:3260"));
            String sessions = shell("iscsi:session-list --no-format");
            assertTrue(sessions, sessions.lines().anyMatch(l -> l.contains(InitiatorOptions.DEFAULT_INITIATOR_NAME)
                    && l.contains(IQN) && l.contains("Normal")));
            session.logout();
        }
    }

    @Test
    public void storeBundleUpdateUnderIoIsInvisibleToTheInitiator() throws Exception {
        awaitPortal();
        Bundle store = java.util.Arrays.stream(bundleContext.getBundles())
                .filter(b -> "jstgt-store-file".equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("jstgt-store-file not installed"));
        // commands may be held while the provider is away (DESIGN: bounded, 15 s by default)
        InitiatorOptions patient = InitiatorOptions.defaults().withTimeout(Duration.ofSeconds(40));
        try (Initiator session = Initiator.connect(PORTAL, patient)) {
            session.login(IQN);
            clearUnitAttentions(session, 0);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger rounds = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CompletableFuture<Void> io = java.util.concurrent.CompletableFuture.runAsync(() -> {
                Random random = new Random();
                byte[] data = new byte[64 * 512];
                try {
                    while (!stop.get()) {
                        long lba = 200_000 + random.nextInt(1000) * 64L;
                        random.nextBytes(data);
                        retryBusy(session, Cdbs.write10(lba, 64), data, 0);
                        ScsiReply r = retryBusy(session, Cdbs.read10(lba, 64), null, data.length);
                        assertArrayEquals("blocks " + lba + "+64 across the update", data, r.data());
                        rounds.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            awaitRounds(rounds, 5, io);
            store.update();
            Await.until(WAIT, "jstgt-store-file to be ACTIVE (" + Bundle.ACTIVE + ") again after its update",
                    store::getState, state -> state == Bundle.ACTIVE);
            int after = rounds.get();
            awaitRounds(rounds, after + 5, io);
            stop.set(true);
            io.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            session.logout();
        }
    }

    /**
     * A persistent reservation lives with the LU in the core, not in the device bundle, and is
     * saved for the core's own update (SPC-4 §5.13; without APTPL it would not survive a restart,
     * but an update is not one): node A's Write Exclusive keeps node B from writing across a
     * bundle:update of jstgt-device-disk and then of jstgt-scsi.
     */
    @Test
    public void persistentReservationSurvivesUpdatesOfTheDeviceAndCoreBundles() throws Exception {
        awaitPortal();
        InitiatorOptions patient = InitiatorOptions.defaults().withTimeout(Duration.ofSeconds(40));
        long keyA = 0x0A0A_0A0AL;
        long keyB = 0x0B0B_0B0BL;
        try {
            try (Initiator a = Initiator.connect(PORTAL, patient.withInitiatorName(NODE_A));
                    Initiator b = Initiator.connect(PORTAL, patient.withInitiatorName(NODE_B))) {
                a.login(IQN);
                b.login(IQN);
                clearUnitAttentions(a, 0);
                clearUnitAttentions(b, 0);
                prOut(a, 0, 0, 0, keyA).assertGood();
                prOut(a, 1, 1, keyA, 0).assertGood(); // RESERVE, Write Exclusive
                assertEquals(RESERVATION_CONFLICT, writeFrom(b).status());
                updateBundle("jstgt-device-disk");
                assertEquals("after the device bundle's update", RESERVATION_CONFLICT, retryBusy(b).status());
                assertEquals(keyA, reservationKey(b));
                a.logout();
                b.logout();
            }
            updateBundle("jstgt-scsi");
            awaitPortal();
            // while the core comes back, logins are refused or the connection closes: a new one each try
            try (Initiator b = Await.until(WAIT, "a login after the core's update",
                    () -> loggedIn(patient.withInitiatorName(NODE_B)), s -> s != null)) {
                clearUnitAttentions(b, 0);
                assertEquals("the reservation after the core bundle's update", keyA, reservationKey(b));
                assertEquals("after the core bundle's update", RESERVATION_CONFLICT, writeFrom(b).status());
                // leave the demo LUN as the other tests expect it: register, then CLEAR everything
                prOut(b, 0, 0, 0, keyB).assertGood();
                prOut(b, 3, 0, keyB, 0).assertGood();
                writeFrom(b).assertGood();
                b.logout();
            }
        } finally {
            // whatever failed above, the other tests of this container need the demo LUN unreserved
            try {
                shell("iscsi:pr-clear disk0");
            } catch (Exception e) {
                System.err.println("iscsi:pr-clear disk0 failed: " + e);
            }
        }
    }

    /** @return a session logged in to the demo target, or null (closed) when the login failed */
    private static Initiator loggedIn(InitiatorOptions options) {
        Initiator s = null;
        try {
            s = Initiator.connect(PORTAL, options);
            s.login(IQN);
            return s;
        } catch (IOException e) {
            if (s != null) {
                s.close();
            }
            return null;
        }
    }

    private static final String NODE_A = "iqn.2026-12.org.jstgt:node-a";
    private static final String NODE_B = "iqn.2026-12.org.jstgt:node-b";
    private static final int RESERVATION_CONFLICT = 0x18;

    private void updateBundle(String symbolicName) throws Exception {
        Bundle bundle = java.util.Arrays.stream(bundleContext.getBundles())
                .filter(x -> symbolicName.equals(x.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " not installed"));
        bundle.update();
        Await.until(WAIT, symbolicName + " to be ACTIVE again after its update", bundle::getState,
                state -> state == Bundle.ACTIVE);
    }

    private static ScsiReply prOut(Initiator s, int serviceAction, int type, long key, long serviceActionKey)
            throws IOException {
        return s.scsi(0, org.jstgt.testkit.PrCdbs.persistentReserveOut(serviceAction, type, 24),
                org.jstgt.testkit.PrCdbs.basic(key, serviceActionKey, 0), 0);
    }

    /** READ RESERVATION: the holder's key, or 0 when there is no reservation. */
    private static long reservationKey(Initiator s) throws IOException {
        byte[] d = s.scsi(0, org.jstgt.testkit.PrCdbs.persistentReserveIn(1, 64), null, 64).assertGood().data();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(d);
        return buf.getInt(4) == 0 ? 0 : buf.getLong(8);
    }

    private static ScsiReply writeFrom(Initiator s) throws IOException {
        return s.scsi(0, Cdbs.write10(300_000, 8), new byte[8 * 512], 0);
    }

    /** A WRITE that may meet BUSY while the device provider is away, until it gets something else. */
    private static ScsiReply retryBusy(Initiator s) throws IOException {
        for (int i = 0; i < 100; i++) {
            ScsiReply r = writeFrom(s);
            if (r.status() != org.jstgt.api.scsi.ScsiStatus.BUSY) {
                return r;
            }
        }
        throw new AssertionError("BUSY 100 times in a row");
    }

    /** Waits, bounded, until the I/O loop has done {@code n} rounds; fails early when it failed. */
    private static void awaitRounds(java.util.concurrent.atomic.AtomicInteger rounds, int n,
            java.util.concurrent.CompletableFuture<Void> io) throws Exception {
        Await.until(WAIT, n + " I/O rounds", () -> {
            if (io.isDone()) {
                io.get();
                fail("I/O loop ended early");
            }
            return rounds.get();
        }, done -> done >= n);
    }

    /**
     * Runs a command; BUSY is retried (DESIGN: commands past the hold bound complete BUSY, which
     * every initiator retries). Anything else but GOOD fails.
     */
    private static ScsiReply retryBusy(Initiator session, byte[] cdb, byte[] out, int in) throws IOException {
        for (int i = 0; i < 100; i++) {
            ScsiReply r = session.scsi(0, cdb, out, in);
            if (r.status() != org.jstgt.api.scsi.ScsiStatus.BUSY) {
                return r.assertGood();
            }
        }
        throw new AssertionError("BUSY 100 times in a row");
    }

    private String shell(String command) throws Exception {
        return PaxAssembly.shell(sessionFactory, command);
    }

    private org.osgi.service.cm.Configuration demoTargetConfiguration() throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations(
                "(&(service.factoryPid=jstgt.target)(iqn=" + IQN + "))");
        assertNotNull("no jstgt.target configuration with iqn=" + IQN, found);
        assertEquals("jstgt.target configurations with iqn=" + IQN, 1, found.length);
        return found[0];
    }

    private void assertBundlesActive() {
        Await.until(WAIT, "jstgt bundles to be active, at least " + CORE_BUNDLES, this::bundleStates,
                s -> s.present().containsAll(CORE_BUNDLES) && s.notActive().isEmpty());
    }

    /** The jstgt bundles (fragments left out) and those of them not active. */
    private record BundleStates(Set<String> present, List<String> notActive) {
    }

    private BundleStates bundleStates() {
        Set<String> present = new TreeSet<>();
        List<String> notActive = new ArrayList<>();
        for (Bundle b : bundleContext.getBundles()) {
            String name = b.getSymbolicName();
            if (name == null || !name.startsWith("jstgt-") || b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            present.add(name);
            if (b.getState() != Bundle.ACTIVE) {
                notActive.add(name + " (state " + b.getState() + ")");
            }
        }
        return new BundleStates(present, notActive);
    }

    private static void awaitPortal() {
        Await.until(WAIT, "127.0.0.1:3260 to accept connections", TargetPaxExamIT::connectFailure, failure -> failure == null);
    }

    /** @return why connecting to the portal failed, or null when it accepted */
    private static IOException connectFailure() {
        try (Socket s = new Socket()) {
            s.connect(PORTAL, 1000);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    /** Consumes pending unit attentions (power on, reset, ...) with TEST UNIT READY, bounded. */
    private static void clearUnitAttentions(Initiator session, int lun) throws IOException {
        for (int i = 0; i < 8; i++) {
            ScsiReply r = session.scsi(lun, Cdbs.testUnitReady(), null, 0);
            if (r.good()) {
                return;
            }
            if (r.sense().map(s -> s.key() != 6).orElse(true)) {
                throw new AssertionError("TEST UNIT READY on LUN " + lun + ": " + r);
            }
        }
        throw new AssertionError("LUN " + lun + " still reports unit attentions after 8 TEST UNIT READY");
    }

    private static List<Integer> reportLuns(Initiator session) throws IOException {
        return ScsiData.reportLuns(session.scsi(0, Cdbs.reportLuns(0, 4096), null, 4096).assertGood().data());
    }

    private static List<Integer> sorted(List<Integer> l) {
        List<Integer> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }
}
