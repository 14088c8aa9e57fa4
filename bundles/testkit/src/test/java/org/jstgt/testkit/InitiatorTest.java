package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class InitiatorTest {

    @ParameterizedTest(name = "digests={0} immediate={1} initialR2T={2} firstBurst={3}")
    @CsvSource({
        "None,   true,  true,  65536",
        "CRC32C, true,  true,  4096",
        "None,   false, false, 16384",
        "CRC32C, true,  false, 8192",
        "None,   false, true,  65536",
    })
    void writeThenReadBackAcrossBurstsAndR2Ts(String digest, boolean immediate, boolean initialR2T, int firstBurst)
            throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(16384, 4096)) {
            InitiatorOptions o = InitiatorOptions.defaults().withDigests(digest, digest).withImmediateData(immediate)
                    .withInitialR2T(initialR2T).withBurstLengths(firstBurst, 262144)
                    .withMaxRecvDataSegmentLength(8192).withTimeout(Duration.ofSeconds(5));
            try (Initiator i = Initiator.connect(t.address(), o)) {
                Negotiated n = i.login(ScriptedPortal.IQN);
                assertEquals(digest.equals("CRC32C"), n.headerDigest());
                assertEquals(4096, n.maxSendDataSegmentLength());
                assertEquals(16384, n.maxBurstLength());
                assertEquals(1, n.targetPortalGroupTag());
                assertEquals(0x22, i.tsih());
                byte[] data = new byte[100 * 512];
                new Random(7).nextBytes(data);
                ScsiReply w = i.scsi(0, Cdbs.write10(8, 100), data, 0);
                w.assertGood();
                ScsiReply r = i.scsi(0, Cdbs.read10(8, 100), null, data.length).assertGood();
                assertArrayEquals(data, r.data());
                i.ping();
                i.logout();
            }
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void checkConditionCarriesSense() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
            i.login(ScriptedPortal.IQN);
            ScsiReply r = i.scsi(0, Cdbs.raw(0xff, 0, 0, 0, 0, 0), null, 0);
            Sense.INVALID_OPCODE.check(r);
            assertFalse(r.good());
            assertEquals(0, r.sense().orElseThrow().fieldPointer());
            i.logout();
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void targetPingDuringCommandIsAnswered() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
            t.pingBeforeWriteStatus = true;
            i.login(ScriptedPortal.IQN);
            i.scsi(0, Cdbs.write10(0, 4), new byte[2048], 0).assertGood();
            i.logout();
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void dataInWithoutStatusThenResponseWithUnderflow() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
            i.login(ScriptedPortal.IQN);
            ScsiReply r = i.scsi(0, Cdbs.inquiry(false, 0, 255), null, 255).assertGood();
            assertEquals(36, r.data().length);
            assertTrue(r.residualUnderflow());
            assertEquals(219, r.residualCount());
            i.logout();
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void statSnOutOfOrderIsAProtocolError() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
            i.login(ScriptedPortal.IQN);
            IscsiProtocolException e = assertThrows(IscsiProtocolException.class,
                    () -> i.scsi(0, Cdbs.testUnitReady(), null, 0));
            assertTrue(e.getMessage().contains("StatSN"), e.getMessage());
        }
    }

    @Test
    void rejectIsAProtocolErrorNamingTheReason() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
            i.login(ScriptedPortal.IQN);
            IscsiProtocolException e = assertThrows(IscsiProtocolException.class,
                    () -> i.scsi(0, Cdbs.raw(0xfe, 0, 0, 0, 0, 0), null, 0));
            assertTrue(e.getMessage().contains("protocol error"), e.getMessage());
        }
    }

    @Test
    void discoveryListsTargets() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192)) {
            List<DiscoveredTarget> d = Initiator.sendTargets(t.address(), InitiatorOptions.defaults());
            assertEquals(List.of(new DiscoveredTarget(ScriptedPortal.IQN, List.of("127.0.0.1:3260,1"))), d);
            assertEquals(List.of(), t.errors);
        }
    }

    @Test
    void silentTargetTimesOut() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Initiator i = Initiator.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        s.getLocalPort()), InitiatorOptions.defaults().withTimeout(Duration.ofMillis(300)))) {
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> i.login("iqn.x"));
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
            assertTrue(e.getMessage().contains("login"), e.getMessage());
        }
    }

    @Test
    void commandsNeedLogin() throws Exception {
        try (ScriptedPortal t = new ScriptedPortal(65536, 8192);
                Initiator i = Initiator.connect(t.address(), InitiatorOptions.defaults())) {
            assertThrows(IllegalStateException.class, () -> i.scsi(0, Cdbs.testUnitReady(), null, 0));
        }
    }

    @Test
    void optionsAreValidated() {
        InitiatorOptions d = InitiatorOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withDigests("MD5", "None"));
        assertThrows(IllegalArgumentException.class, () -> d.withMaxRecvDataSegmentLength(100));
        assertThrows(IllegalArgumentException.class, () -> d.withBurstLengths(8192, 4096));
    }
}
