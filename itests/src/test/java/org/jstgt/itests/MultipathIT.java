package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.ScsiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What multipath relies on: the demo LUN offered through two portal groups (two target port groups,
 * SPC-4 §5.16), one of them put in standby under I/O by editing its portal file, each path seeing
 * what the standard says it should (NOT READY, TARGET PORT IN STANDBY STATE through the standby
 * group; REPORT TARGET PORT GROUPS with both states through either) while the I/O on the other path
 * goes on, and the group back to active/optimized serving again. The real assembly runs on free
 * loopback ports.
 */
class MultipathIT {
    private static final String IQN = KarafInstance.DEMO_IQN;
    private static final String NODE_A = "iqn.2026-12.org.jstgt:node-a";
    private static final int CHECK_CONDITION = 0x02;
    /** REPORT TARGET PORT GROUPS asymmetric access states (SPC-4 §6.36). */
    private static final int ACTIVE_OPTIMIZED = 0x0;
    private static final int STANDBY = 0x2;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aPortGroupPutInStandbyUnderIoRefusesMediaAccessWhileTheOtherPathGoesOn() throws Exception {
        int second = KarafInstance.freePort();
        InetSocketAddress path2 = new InetSocketAddress("127.0.0.1", second);
        KarafInstance.runOnFreePort("cluster-alua", karaf -> {
            karaf.writeEtc("jstgt.portal-second.cfg", secondPortal(second, "active/optimized"));
            Path target = karaf.targetFile(IQN);
            String text = Files.readString(target, StandardCharsets.UTF_8).replaceAll("(?m)^portals\\s*=.*$",
                    "portals = default, second");
            Files.writeString(target, text, StandardCharsets.UTF_8);
            karaf.start();
            Await.until(WAIT, path2 + " to accept connections", () -> KarafInstance.accepts(path2));
            // p1 carries the I/O through path 1 (a testkit session runs one command at a time), m1 asks
            // questions through path 1 meanwhile, p2 is path 2
            try (Initiator p1 = Sessions.login(karaf.portal(), NODE_A, IQN);
                    Initiator m1 = Sessions.login(karaf.portal(), NODE_A, IQN);
                    Initiator p2 = Sessions.login(path2, NODE_A, IQN)) {
                assertEquals(Map.of(1, ACTIVE_OPTIMIZED, 2, ACTIVE_OPTIMIZED), reportGroups(m1), "both groups active");
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger rounds = new AtomicInteger();
                AtomicInteger attentions = new AtomicInteger();
                CompletableFuture<Void> io = CompletableFuture.runAsync(() -> ioLoop(p1, stop, rounds, attentions));
                awaitRounds(rounds, 5, io);

                karaf.writeEtc("jstgt.portal-second.cfg", secondPortal(second, "standby"));
                // path 2: ASYMMETRIC ACCESS STATE CHANGED, then NOT READY, TARGET PORT IN STANDBY STATE
                ScsiReply refused = Await.until(WAIT, "path 2 to refuse READ in standby",
                        () -> read(p2), r -> isSense(r, 0x02, 0x04, 0x0B));
                assertTrue(refused.data().length == 0, "no data from a standby port");
                assertTrue(isSense(pastAccessChange(() -> p2.scsi(0, Cdbs.testUnitReady(), null, 0)), 0x02, 0x04, 0x0B),
                        "TEST UNIT READY through a standby port");
                p2.scsi(0, Cdbs.inquiry(false, 0, 96), null, 96).assertGood();
                assertEquals(Map.of(1, ACTIVE_OPTIMIZED, 2, STANDBY), reportGroups(p2), "seen through path 2");
                int after = rounds.get();
                awaitRounds(rounds, after + 5, io);
                assertEquals(Map.of(1, ACTIVE_OPTIMIZED, 2, STANDBY), reportGroups(m1), "seen through path 1");
                assertTrue(attentions.get() >= 1, "path 1 was told of the change (2Ah/06h) during its I/O");

                karaf.writeEtc("jstgt.portal-second.cfg", secondPortal(second, "active/optimized"));
                Await.until(WAIT, "path 2 to serve READ again", () -> {
                    ScsiReply r = read(p2);
                    return r.good() || isSense(r, 0x06, 0x2A, 0x06) ? r : null;
                }, r -> r != null && r.good());
                after = rounds.get();
                awaitRounds(rounds, after + 5, io);
                stop.set(true);
                io.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                p1.logout();
                m1.logout();
                p2.logout();
            }
        });
    }

    private static String secondPortal(int port, String state) {
        return "# written by ClusterIT\nlisten = 127.0.0.1:" + port + "\ntag = 2\nalua.state = " + state + "\n";
    }

    /**
     * Writes and reads back 64 blocks at a time through one path until stopped; ASYMMETRIC ACCESS
     * STATE CHANGED (a unit attention: the command did not run) is counted and the command retried.
     */
    private static void ioLoop(Initiator session, AtomicBoolean stop, AtomicInteger rounds, AtomicInteger attentions) {
        Random random = new Random(20261205L);
        byte[] data = new byte[64 * 512];
        try {
            while (!stop.get()) {
                long lba = 100_000 + random.nextInt(1000) * 64L;
                random.nextBytes(data);
                retryingAccessChange(session, Cdbs.write10(lba, 64), data, 0, attentions);
                ScsiReply r = retryingAccessChange(session, Cdbs.read10(lba, 64), null, data.length, attentions);
                assertArrayEquals(data, r.data(), "blocks " + lba + "+64 read back through path 1");
                rounds.incrementAndGet();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ScsiReply retryingAccessChange(Initiator session, byte[] cdb, byte[] out, int in,
            AtomicInteger attentions) throws IOException {
        for (int i = 0; i < 4; i++) {
            ScsiReply r = session.scsi(0, cdb, out, in);
            if (!isSense(r, 0x06, 0x2A, 0x06)) {
                return r.assertGood();
            }
            attentions.incrementAndGet();
        }
        throw new AssertionError("ASYMMETRIC ACCESS STATE CHANGED 4 times in a row");
    }

    private static void awaitRounds(AtomicInteger rounds, int n, CompletableFuture<Void> io) {
        Await.until(WAIT, n + " I/O rounds through path 1", () -> {
            if (io.isDone()) {
                io.join();
                throw new AssertionError("the I/O through path 1 ended early");
            }
            return rounds.get();
        }, done -> done >= n);
    }

    /** A command that may first meet ASYMMETRIC ACCESS STATE CHANGED (it did not run then), run again. */
    private interface Command {
        ScsiReply run() throws IOException;
    }

    /**
     * @return the command's reply once it is not ASYMMETRIC ACCESS STATE CHANGED; the unit
     *     attention may come with the state change or just after the first command it refused
     */
    private static ScsiReply pastAccessChange(Command c) throws IOException {
        for (int i = 0; i < 3; i++) {
            ScsiReply r = c.run();
            if (!isSense(r, 0x06, 0x2A, 0x06)) {
                return r;
            }
        }
        throw new AssertionError("ASYMMETRIC ACCESS STATE CHANGED 3 times in a row");
    }

    private static boolean isSense(ScsiReply r, int key, int asc, int ascq) {
        return r.status() == CHECK_CONDITION
                && r.sense().map(s -> s.key() == key && s.asc() == asc && s.ascq() == ascq).orElse(false);
    }

    /** REPORT TARGET PORT GROUPS (SPC-4 §6.36, length-only header): target port group -> state. */
    private static Map<Integer, Integer> reportGroups(Initiator session) throws IOException {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xA3;
        cdb[1] = 0x0A;
        cdb[8] = 0x04; // allocation length 1024
        ByteBuffer d = ByteBuffer.wrap(pastAccessChange(() -> session.scsi(0, cdb, null, 1024)).assertGood().data());
        int end = 4 + d.getInt(0);
        Map<Integer, Integer> groups = new TreeMap<>();
        for (int at = 4; at + 8 <= end; at += 8 + 4 * (d.get(at + 7) & 0xFF)) {
            groups.put(d.getShort(at + 2) & 0xFFFF, d.get(at) & 0x0F);
        }
        return groups;
    }

    private static ScsiReply read(Initiator session) throws IOException {
        return session.scsi(0, Cdbs.read10(4096, 8), null, 8 * 512);
    }
}
