package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.buffer.Unpooled;

import org.jstgt.api.Pids;
import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;
import org.jstgt.api.auth.Authenticator;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * The transport's side of the logins of open-iscsi 2.1.8, iPXE and libiscsi 1.19, as their
 * sources build them: T, CSG and NSG of each request, the keys of each, and what each initiator
 * refuses in an answer (open-iscsi: a T=1 before authentication is done, any key in the security
 * stage but AuthMethod, CHAP_*, TargetAlias, TargetAddress and TargetPortalGroupTag; all three:
 * any Reject). CHAP itself is a stand-in that answers like CHAP key for key; the real exchange is
 * checked against the same dialects in auth-chap's InitiatorDialectsTest.
 */
class InitiatorLoginDialectsTest {
    private static final Set<String> SECURITY_KEYS = Set.of("AuthMethod", "TargetAlias", "TargetAddress",
            "TargetPortalGroupTag");
    private static final String INITIATOR = "InitiatorName=" + Wire.INITIATOR;
    private static final String R16 = "CHAP_R=0x00112233445566778899aabbccddeeff";
    private static final String C16 = "CHAP_C=0x0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    /** open-iscsi's operational keys with digests asked for (iscsid.conf: CRC32C,None). */
    private static final String[] OPEN_ISCSI_OPERATIONAL = {"HeaderDigest=CRC32C,None", "DataDigest=CRC32C,None",
        "MaxRecvDataSegmentLength=262144", "InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=16776192",
        "FirstBurstLength=262144", "DefaultTime2Wait=2", "DefaultTime2Retain=0", "MaxOutstandingR2T=1",
        "DataPDUInOrder=Yes", "DataSequenceInOrder=Yes", "ErrorRecoveryLevel=0", "MaxConnections=1"};

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
    private final Authenticators authenticators = new Authenticators();
    private final Fabric fabric = new Fabric(() -> FakeScsiTarget.registry(disk), () -> List.of(
            new PortalEndpoint("main", 1, List.of(new InetSocketAddress("127.0.0.1", 3260)))), authenticators);
    private final ChapLike chap = new ChapLike();

    InitiatorLoginDialectsTest() {
        authenticators.add(chap, Map.of(Authenticator.METHOD, "CHAP"));
        disk.alias("Disk One");
        disk.properties().put("auth", "chap");
        disk.properties().put("auth.groups", "team");
    }

    /**
     * Answers like CHAP key for key, and checks nothing: CHAP_A with CHAP_A (the first offered),
     * CHAP_I and CHAP_C; CHAP_N and CHAP_R with success, and CHAP_N and CHAP_R of its own only when
     * the request challenged it (CHAP_I, CHAP_C).
     */
    static final class ChapLike implements Authenticator {
        /** What each step received: its keys, then T=0 or T=1. */
        final List<String> steps = new ArrayList<>();

        @Override
        public Set<String> keys() {
            return Set.of("CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R");
        }

        @Override
        public AuthExchange start(AuthContext context) {
            return new AuthExchange() {
                private boolean done;

                @Override
                public AuthStep step(List<Map.Entry<String, String>> received, boolean transit) {
                    Map<String, String> m = new LinkedHashMap<>();
                    received.forEach(e -> m.put(e.getKey(), e.getValue()));
                    steps.add(String.join(",", m.keySet()) + (transit ? " T=1" : " T=0"));
                    if (m.containsKey("CHAP_A")) {
                        return AuthStep.next(List.of(Map.entry("CHAP_A", m.get("CHAP_A").split(",")[0]),
                                Map.entry("CHAP_I", "77"), Map.entry("CHAP_C", "0xa1b2c3d4e5f60718293a4b5c6d7e8f90")));
                    }
                    if (m.containsKey("CHAP_N") && m.containsKey("CHAP_R")) {
                        done = true;
                        return AuthStep.success(m.containsKey("CHAP_C") ? List.of(Map.entry("CHAP_N", "target"),
                                Map.entry("CHAP_R", "0x99887766554433221100ffeeddccbbaa")) : List.of(), m.get("CHAP_N"));
                    }
                    return done ? AuthStep.success(List.of(), "") : AuthStep.next(List.of());
                }
            };
        }
    }

    /** One answer, read before its buffer is released. */
    record Answer(boolean transit, int csg, int nsg, int tsih, List<String> pairs, Map<String, String> keys) {
    }

    /**
     * Sends one Login Request and checks what every initiator here requires of the answer: status
     * 0, no Reject, and in the security stage no key beyond CHAP's and {@link #SECURITY_KEYS}.
     */
    private static Answer request(Wire w, boolean transit, int csg, int nsg, String... kv) {
        LoginResponse r = w.loginStep(transit, csg, nsg, kv);
        try {
            List<String> pairs = Wire.pairs(r.data());
            assertEquals(0, r.status(), () -> "status of the answer to " + List.of(kv) + ": " + pairs);
            for (String p : pairs) {
                assertFalse(p.endsWith("=Reject"), () -> "Reject is fatal to all three initiators: " + pairs);
                String key = p.substring(0, p.indexOf('='));
                if (csg == 0) {
                    assertTrue(key.startsWith("CHAP_") || SECURITY_KEYS.contains(key),
                            () -> key + " in a security-stage answer is fatal to open-iscsi: " + pairs);
                }
            }
            assertEquals(csg, r.csg());
            return new Answer(r.transit(), r.csg(), r.nsg(), r.tsih(), pairs, Wire.keys(r.data()));
        } finally {
            r.release();
        }
    }

    private static List<String> names(Answer a) {
        return a.pairs().stream().map(p -> p.substring(0, p.indexOf('='))).filter(k -> k.startsWith("CHAP_")).toList();
    }

    /** The answer to CHAP_A: T=0 (stay), CHAP_A, CHAP_I, CHAP_C in that order. */
    private static void challenged(Answer a) {
        assertFalse(a.transit(), "T=1 before authentication is done is fatal to open-iscsi");
        assertEquals(0, a.nsg());
        assertEquals(List.of("CHAP_A", "CHAP_I", "CHAP_C"), names(a));
    }

    /** The answer to the response: T=1 to {@code nsg}, the target's CHAP_N/CHAP_R only if challenged. */
    private static void authenticated(Answer a, int nsg, boolean mutual) {
        assertTrue(a.transit());
        assertEquals(nsg, a.nsg());
        assertEquals(mutual ? List.of("CHAP_N", "CHAP_R") : List.of(), names(a),
                "CHAP_N/CHAP_R only to an initiator that challenged (open-iscsi: unconsumed keys are fatal)");
    }

    /** The operational stage with {@code keys}, T=1 to full feature. */
    private static Answer fullFeature(Wire w, String... keys) {
        Answer a = request(w, true, 1, 3, keys);
        assertTrue(a.transit());
        assertEquals(3, a.nsg());
        assertNotEquals(0, a.tsih());
        return a;
    }

    /** A NOP-Out ping and its NOP-In, both with header and data digests. */
    private static void pingWithDigests(Wire w) {
        w.switchDigests(true, true);
        w.send(new NopOut(true, 0, 0x51, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)));
        NopIn in = w.one(NopIn.class);
        try {
            assertEquals(0x51, in.itt());
            assertEquals("ping", in.data().toString(StandardCharsets.US_ASCII));
        } finally {
            in.release();
        }
    }

    /**
     * open-iscsi, one-way CHAP: AuthMethod=CHAP,None with T=1, CHAP_A with T=0, the response with
     * T=1 NSG=1, then all operational keys in one T=1 request to full feature, digests on.
     */
    @Test
    void openIscsiOneWayThenCrc32cDigests() {
        try (Wire w = new Wire(fabric)) {
            Answer a1 = request(w, true, 0, 1, INITIATOR, "InitiatorAlias=host1", "TargetName=" + Wire.TARGET,
                    "SessionType=Normal", "AuthMethod=CHAP,None");
            assertFalse(a1.transit(), "AuthMethod=CHAP is answered with T=0");
            assertEquals("CHAP", a1.keys().get("AuthMethod"));
            assertEquals("1", a1.keys().get("TargetPortalGroupTag"));
            assertEquals("Disk One", a1.keys().get("TargetAlias"));
            challenged(request(w, false, 0, 0, "CHAP_A=5"));
            authenticated(request(w, true, 0, 1, "CHAP_N=alice", R16), 1, false);
            assertEquals(List.of(" T=1", "CHAP_A T=0", "CHAP_N,CHAP_R T=1"), chap.steps);

            Answer a4 = fullFeature(w, OPEN_ISCSI_OPERATIONAL);
            assertEquals("CRC32C", a4.keys().get("HeaderDigest"));
            assertEquals("CRC32C", a4.keys().get("DataDigest"));
            pingWithDigests(w);
            assertTrue(w.target.isOpen());
        }
    }

    /** open-iscsi, mutual CHAP: AuthMethod=CHAP alone with T=0 NSG=0, SHA-256 first. */
    @Test
    void openIscsiMutual() {
        disk.properties().put("auth", "mutual");
        try (Wire w = new Wire(fabric)) {
            Answer a1 = request(w, false, 0, 0, INITIATOR, "TargetName=" + Wire.TARGET, "SessionType=Normal",
                    "AuthMethod=CHAP");
            assertFalse(a1.transit());
            assertEquals("CHAP", a1.keys().get("AuthMethod"));
            Answer a2 = request(w, false, 0, 0, "CHAP_A=7,6,5");
            challenged(a2);
            assertEquals("7", a2.keys().get("CHAP_A"));
            authenticated(request(w, true, 0, 1, "CHAP_N=alice", R16 + R16.substring(9), "CHAP_I=201",
                    "CHAP_C=0x" + C16.substring(9) + C16.substring(9)), 1, true);
            assertEquals(List.of(" T=0", "CHAP_A T=0", "CHAP_N,CHAP_R,CHAP_I,CHAP_C T=1"), chap.steps);
            fullFeature(w, OPEN_ISCSI_OPERATIONAL);
            pingWithDigests(w);
        }
    }

    /**
     * open-iscsi discovery with default digests and MaxRecvDataSegmentLength: NSG=3 straight from
     * the security stage, one-way and mutual, then SendTargets.
     */
    @Test
    void openIscsiDiscoveryGoesStraightToFullFeature() {
        fabric.discoveryPolicy(DiscoveryPolicy.from(Map.of(Pids.FILEINSTALL_FILENAME,
                "file:/opt/jstgt/etc/jstgt.discovery.cfg", "auth", "chap", "auth.groups", "team")));
        for (boolean mutual : new boolean[] {false, true}) {
            try (Wire w = new Wire(fabric)) {
                Answer a1 = request(w, !mutual, 0, mutual ? 0 : 1, INITIATOR, "InitiatorAlias=host1",
                        "SessionType=Discovery", mutual ? "AuthMethod=CHAP" : "AuthMethod=CHAP,None");
                assertFalse(a1.transit());
                assertEquals(Map.of("AuthMethod", "CHAP"), a1.keys(), "no TargetPortalGroupTag in discovery");
                challenged(request(w, false, 0, 0, "CHAP_A=5"));
                List<String> response = new ArrayList<>(List.of("CHAP_N=alice", R16));
                if (mutual) {
                    response.addAll(List.of("CHAP_I=3", C16));
                }
                Answer a3 = request(w, true, 0, 3, response.toArray(new String[0]));
                authenticated(a3, 3, mutual);
                assertNotEquals(0, a3.tsih(), "the session is admitted from the security stage");
                TextResponse r = DiscoveryTest.sendTargets(w, "All", Bhs.NO_TAG);
                assertEquals("TargetName=" + Wire.TARGET, Wire.pairs(r.data()).get(0));
                r.release();
            }
        }
    }

    /** iPXE: T=1 on every request of the security stage; the target still answers T=0 until done. */
    @Test
    void ipxeAsksToLeaveOnEveryRequest() {
        for (boolean mutual : new boolean[] {false, true}) {
            chap.steps.clear();
            try (Wire w = new Wire(fabric)) {
                Answer a1 = request(w, true, 0, 1, INITIATOR, "TargetName=" + Wire.TARGET, "SessionType=Normal",
                        mutual ? "AuthMethod=CHAP" : "AuthMethod=CHAP,None");
                assertFalse(a1.transit());
                assertEquals("CHAP", a1.keys().get("AuthMethod"));
                Answer a2 = request(w, true, 0, 1, "CHAP_A=5");
                challenged(a2);
                assertEquals("5", a2.keys().get("CHAP_A"));
                List<String> response = new ArrayList<>(List.of("CHAP_N=alice", R16));
                if (mutual) {
                    response.addAll(List.of("CHAP_I=9", C16));
                }
                authenticated(request(w, true, 0, 1, response.toArray(new String[0])), 1, mutual);
                assertEquals(List.of(" T=1", "CHAP_A T=1", (mutual ? "CHAP_N,CHAP_R,CHAP_I,CHAP_C" : "CHAP_N,CHAP_R")
                        + " T=1"), chap.steps);
                Answer a4 = fullFeature(w, "HeaderDigest=None", "DataDigest=None", "MaxConnections=1",
                        "InitialR2T=Yes", "ImmediateData=No", "MaxRecvDataSegmentLength=8192", "ErrorRecoveryLevel=0");
                assertEquals("None", a4.keys().get("HeaderDigest"));
            }
        }
    }

    /** libiscsi: CHAP_A with T=0 but NSG=1 left in the header; upper-case hex, CHAP_I=1. */
    @Test
    void libiscsiLeavesNsgSetWithoutTransit() {
        for (boolean mutual : new boolean[] {false, true}) {
            chap.steps.clear();
            try (Wire w = new Wire(fabric)) {
                Answer a1 = request(w, true, 0, 1, INITIATOR, "InitiatorAlias=host1", "TargetName=" + Wire.TARGET,
                        "SessionType=Normal", "AuthMethod=CHAP,None");
                assertFalse(a1.transit());
                challenged(request(w, false, 0, 1, "CHAP_A=5"));
                List<String> response = new ArrayList<>(List.of("CHAP_N=alice", R16.toUpperCase().replace("0X", "0x")));
                if (mutual) {
                    response.addAll(List.of("CHAP_I=1",
                            "CHAP_C=0x" + (C16.substring(9) + C16.substring(9)).toUpperCase()));
                }
                authenticated(request(w, true, 0, 1, response.toArray(new String[0])), 1, mutual);
                assertEquals(List.of(" T=1", "CHAP_A T=0", (mutual ? "CHAP_N,CHAP_R,CHAP_I,CHAP_C" : "CHAP_N,CHAP_R")
                        + " T=1"), chap.steps);
                fullFeature(w, "HeaderDigest=None,CRC32C", "DataDigest=None,CRC32C");
            }
        }
    }
}
