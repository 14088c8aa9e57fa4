package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Pdu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real assembly under attack, one hostile peer at a time, while a well-behaved session writes,
 * reads back and verifies its data: a discovery session that floods the data path, a peer that
 * stops reading, malformed and oversized PDUs, writes whose data never comes, and connections that
 * never log in. The well-behaved session must see no error and keep making progress; each hostile
 * connection is closed or throttled. The target runs with a small direct memory limit, so that
 * memory a peer can pin shows up as failures of the well-behaved session. Loopback only; every
 * attack is bounded in count and time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseIT {
    private static final InetSocketAddress PORTAL = KarafInstance.PORTAL_V4;
    private static final String HOSTILE = "iqn.2026-11.org.jstgt:hostile";
    /** How long a hostile connection may take to be closed after its offence. */
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(10);
    /** Generous bound on one 64 KiB write-and-read-back round (a liveness check, not a benchmark). */
    private static final Duration SLOWEST_ROUND = Duration.ofSeconds(10);
    /** Direct memory the target gets here: well below what the attacks would pin without limits. */
    static final String DIRECT_MEMORY = "-XX:MaxDirectMemorySize=256m";

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("abuse").withJavaOptions(DIRECT_MEMORY);

    @Test
    void hostilePeersDoNotDisturbAWellBehavedSession() throws Exception {
        List<String> failures = new ArrayList<>();
        try (WellBehaved good = WellBehaved.start(PORTAL, KarafInstance.DEMO_IQN)) {
            good.awaitProgress(5, "before any attack");
            attack(failures, good, "discovery flood", this::discoverySessionFloodingTheDataPathIsClosed);
            attack(failures, good, "peer that stopped reading", () -> peerThatStopsReadingIsThrottled(good));
            attack(failures, good, "malformed PDUs", this::malformedPdusCloseTheirConnection);
            attack(failures, good, "writes without data", () -> writesWithoutDataPinNoMemory(good));
            attack(failures, good, "idle connections", () -> connectionsThatNeverLogInAreClosed(good));
            assertEquals(List.of(), good.errors());
            assertTrue(good.slowest().compareTo(SLOWEST_ROUND) < 0, "slowest round " + good.slowest());
        }
        assertEquals(List.of(), failures, "attacks the target did not withstand");
    }

    private interface Attack {
        void run() throws Exception;
    }

    /** Runs one attack; its failed expectations are collected, the well-behaved session must go on. */
    private static void attack(List<String> failures, WellBehaved good, String name, Attack a) throws Exception {
        try {
            a.run();
        } catch (AssertionError e) {
            failures.add(name + ": " + e.getMessage());
        }
        good.awaitProgress(3, "after the " + name);
    }

    /** RFC 7143 §4.3: a discovery session carries only Text, Logout and NOP-Out. */
    private void discoverySessionFloodingTheDataPathIsClosed() throws IOException {
        try (RawPeer p = RawPeer.connect(PORTAL, 0)) {
            p.login(HOSTILE, null);
            // a command behind a CmdSN gap, then zero-length Data-Out for it, without end
            p.nextCmdSn();
            Pdu cmd = p.command(Cdbs.write16(0, 8), false, true, 4096);
            int itt = cmd.itt();
            try {
                p.send(cmd);
                for (int i = 0; i < 2000; i++) {
                    p.send(new Pdu(Pdu.DATA_OUT).lun(0).itt(itt).int32(20, Pdu.RESERVED_TAG)
                            .int32(28, p.expStatSn()).int32(36, i));
                }
            } catch (IOException closedAlready) {
                // the target gave the connection up while we were still sending: what we want
            }
            assertTrue(p.closedByTargetWithin(CLOSE_WITHIN), "discovery session with SCSI traffic still open");
        }
    }

    /**
     * A peer that sends pings and reads but never reads the answers: the target must stop reading
     * from it (its outbound queue is bounded) rather than pile the answers up in memory.
     */
    private void peerThatStopsReadingIsThrottled(WellBehaved good) throws Exception {
        int pings = 4000;
        byte[] payload = new byte[RawPeer.MAX_RECV];
        AtomicLong sent = new AtomicLong();
        try (RawPeer p = RawPeer.connect(PORTAL, 4096)) {
            p.login(HOSTILE, KarafInstance.DEMO_IQN);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 64; i++) {
                        p.send(p.command(Cdbs.read16(0, 512), true, false, 512 * 512));
                        sent.incrementAndGet();
                    }
                    for (int i = 0; i < pings; i++) {
                        p.send(new Pdu(Pdu.NOP_OUT).immediate(true).flags(0x80).itt(p.nextItt())
                                .int32(20, Pdu.RESERVED_TAG).int32(24, p.cmdSn()).int32(28, p.expStatSn())
                                .data(payload));
                        sent.incrementAndGet();
                    }
                } catch (IOException e) {
                    // unblocked by close
                }
            }, "hostile-non-reader");
            writer.setDaemon(true);
            writer.start();
            writer.join(5_000);
            good.awaitProgress(3, "while a peer does not read its answers");
            long n = sent.get();
            assertTrue(n < 64 + pings, "the target kept reading from a peer that reads nothing: it took all " + n
                    + " PDUs (" + (n * payload.length >> 20) + " MiB of pings whose answers it had to queue)");
        }
    }

    /** Each offence on a fresh connection; each connection must be closed. */
    private void malformedPdusCloseTheirConnection() throws IOException {
        List<String> open = new ArrayList<>();
        // a login whose data segment announces 16 MiB - 1
        byte[] bigLogin = new Pdu(Pdu.LOGIN_REQUEST).immediate(true).flags(0x87).itt(1).encode(false, false);
        bigLogin[5] = (byte) 0xff;
        bigLogin[6] = (byte) 0xff;
        bigLogin[7] = (byte) 0xff;
        offend(open, "oversized login", p -> p.sendBytes(bigLogin));
        // an unknown opcode before login
        offend(open, "unknown opcode", p -> p.sendBytes(new Pdu(0x3e).flags(0x80).encode(false, false)));
        // garbage
        offend(open, "random bytes", p -> {
            byte[] junk = new byte[4096];
            new java.util.Random(7).nextBytes(junk);
            p.sendBytes(junk);
        });
        // after login: a command with 1020 bytes of nonsense AHS: framing is intact, so a Reject
        // (RFC 7143 §11.17.1, invalid PDU field) is enough
        try (RawPeer p = RawPeer.connect(PORTAL, 0)) {
            p.login(HOSTILE, KarafInstance.DEMO_IQN);
            p.send(p.command(Cdbs.testUnitReady(), false, false, 0).ahs(new byte[1020]));
            Pdu answer = p.receive();
            if (answer.opcode() != Pdu.REJECT) {
                open.add("bad AHS after login: answered with " + answer + " instead of a Reject");
            }
        }
        offend(open, "oversized data segment after login", p -> {
            p.login(HOSTILE, KarafInstance.DEMO_IQN);
            byte[] b = p.command(Cdbs.write16(0, 8), false, true, 4096).encode(false, false);
            b[5] = (byte) 0x10; // 1 MiB, far above MaxRecvDataSegmentLength
            p.sendBytes(b);
            p.sendBytes(new byte[65536]);
        });
        assertEquals(List.of(), open, "connections the target kept open after malformed PDUs");
    }

    private interface Offence {
        void commit(RawPeer p) throws IOException;
    }

    private static void offend(List<String> open, String what, Offence o) throws IOException {
        try (RawPeer p = RawPeer.connect(PORTAL, 0)) {
            try {
                o.commit(p);
            } catch (IOException closedAlready) {
                // the target closed while we were sending
            }
            if (!p.closedByTargetWithin(CLOSE_WITHIN)) {
                open.add(what);
            }
        }
    }

    /**
     * A full command window of 8 MiB writes (InitialR2T=Yes) whose data never comes: the target may
     * not reserve 8 MiB for each (that is 1 GiB, four times its direct memory here).
     */
    private void writesWithoutDataPinNoMemory(WellBehaved good) throws Exception {
        try (RawPeer p = RawPeer.connect(PORTAL, 0)) {
            p.login(HOSTILE, KarafInstance.DEMO_IQN);
            int blocks = 16384;
            for (int i = 0; i < 128; i++) {
                p.send(p.command(Cdbs.write16((long) i * blocks, blocks), false, true, blocks * 512));
            }
            // the commands sit in their data phase while the well-behaved session works
            good.awaitProgress(5, "while 128 writes of 8 MiB wait for their data");
        }
    }

    /** More connections than a portal serves, none of them logging in. */
    private void connectionsThatNeverLogInAreClosed(WellBehaved good) throws Exception {
        List<RawPeer> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                try {
                    idle.add(RawPeer.connect(PORTAL, 0));
                } catch (IOException refused) {
                    break; // the backlog is full: also a bound
                }
            }
            good.awaitProgress(3, "while " + idle.size() + " connections sit idle");
            // the login timeout (15 s by default) closes every one of them
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            for (RawPeer p : idle) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (!p.closedByTargetWithin(Duration.ofMillis(left))) {
                    throw new AssertionError("a connection that never logged in is still open after 30 s (of "
                            + idle.size() + ")");
                }
            }
        } finally {
            idle.forEach(RawPeer::close);
        }
    }
}
