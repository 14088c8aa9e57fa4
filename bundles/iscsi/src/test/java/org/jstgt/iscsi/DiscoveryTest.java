package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

    private Wire discovery(Fabric f, String... extra) {
        Wire w = new Wire(f);
        List<String> kv = new ArrayList<>(List.of("InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery"));
        kv.addAll(List.of(extra));
        LoginResponse r = w.loginStep(true, 1, 3, kv.toArray(new String[0]));
        assertEquals(0, r.status());
        r.release();
        return w;
    }

    /** Asks SendTargets in a logged-in session (ttt: the tag of a continued answer, or NO_TAG). */
    static TextResponse sendTargets(Wire w, String value, int ttt) {
        w.send(new TextRequest(true, true, false, 0, ++w.itt, ttt, w.cmdSn, w.expStatSn,
                ttt == Bhs.NO_TAG ? Wire.text("SendTargets=" + value) : Unpooled.EMPTY_BUFFER));
        TextResponse r = w.one(TextResponse.class);
        w.expStatSn = r.statSn() + 1;
        return r;
    }

    @Test
    void sendTargetsAllListsVisibleTargetsWithAddresses() {
        FakeScsiTarget a = new FakeScsiTarget("iqn.2026-11.org.jstgt:a");
        a.alias("Alpha");
        FakeScsiTarget b = new FakeScsiTarget("iqn.2026-11.org.jstgt:b");
        b.allowOnly(Set.of("iqn.2026-11.org.example:someone-else"));
        FakeScsiTarget c = new FakeScsiTarget("iqn.2026-11.org.jstgt:c");
        c.portals(List.of("nowhere"));
        try (Wire w = discovery(Wire.fabric(a, b, c))) {
            TextResponse r = sendTargets(w, "All", Bhs.NO_TAG);
            assertTrue(r.finalFlag());
            assertEquals(Bhs.NO_TAG, r.ttt());
            assertEquals(List.of("TargetName=iqn.2026-11.org.jstgt:a",
                    "TargetAddress=127.0.0.1:3260,1", "TargetAddress=[::1]:3260,1"), Wire.pairs(r.data()));
            r.release();
            TextResponse one = sendTargets(w, "iqn.2026-11.org.jstgt:b", Bhs.NO_TAG);
            assertEquals(List.of(), Wire.pairs(one.data()), "ACL hides b");
            one.release();
        }
    }

    /**
     * Discovery through one portal lists only the targets a login through it could reach, each
     * with the addresses of the portals it is offered on; a target that takes no login (invalid
     * file) is not listed.
     */
    @Test
    void sendTargetsListsOnlyTargetsReachableThroughThePortalAsked() {
        FakeScsiTarget everywhere = new FakeScsiTarget("iqn.2026-11.org.jstgt:a");
        FakeScsiTarget both = new FakeScsiTarget("iqn.2026-11.org.jstgt:b").portals(List.of("main", "side"));
        FakeScsiTarget sideOnly = new FakeScsiTarget("iqn.2026-11.org.jstgt:c").portals(List.of("side"));
        FakeScsiTarget broken = new FakeScsiTarget("iqn.2026-11.org.jstgt:d").available(false);
        FakeScsiTarget[] all = {everywhere, both, sideOnly, broken};
        Fabric f = new Fabric(() -> FakeScsiTarget.registry(all), () -> List.of(
                new PortalEndpoint("main", 1, List.of(new InetSocketAddress("127.0.0.1", 3260))),
                new PortalEndpoint("side", 2, List.of(new InetSocketAddress("127.0.0.1", 3261)))));
        try (Wire w = discovery(f)) {
            TextResponse r = sendTargets(w, "All", Bhs.NO_TAG);
            assertEquals(List.of("TargetName=iqn.2026-11.org.jstgt:a", "TargetAddress=127.0.0.1:3260,1",
                    "TargetAddress=127.0.0.1:3261,2", "TargetName=iqn.2026-11.org.jstgt:b",
                    "TargetAddress=127.0.0.1:3260,1", "TargetAddress=127.0.0.1:3261,2"), Wire.pairs(r.data()),
                    "c is offered on side only, d takes no login");
            r.release();
            TextResponse one = sendTargets(w, "iqn.2026-11.org.jstgt:c", Bhs.NO_TAG);
            assertEquals(List.of(), Wire.pairs(one.data()), "not even when asked for by name");
            one.release();
        }
        try (Wire w = new Wire(f, "side", 2)) {
            LoginResponse login = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery");
            assertEquals(0, login.status());
            login.release();
            TextResponse r = sendTargets(w, "All", Bhs.NO_TAG);
            assertEquals(List.of("iqn.2026-11.org.jstgt:a", "iqn.2026-11.org.jstgt:b", "iqn.2026-11.org.jstgt:c"),
                    Wire.pairs(r.data()).stream().filter(p -> p.startsWith("TargetName="))
                            .map(p -> p.substring("TargetName=".length())).toList());
            r.release();
        }
    }

    /**
     * An initiator a target's {@code initiators} rule denies, by name or by the address it
     * connects from, neither sees the target in SendTargets nor logs in to it (0x0202), while
     * the target stays visible to the others.
     */
    @Test
    void aDeniedInitiatorNeitherSeesTheTargetNorLogsInToIt() throws Exception {
        InetAddress peer = InetAddress.getByName("127.0.0.2");
        String other = "iqn.2026-11.org.example:host2";
        List<InetAddress> asked = new ArrayList<>();
        // as "!127.0.0.2, ALL"
        FakeScsiTarget byAddress = new FakeScsiTarget("iqn.2026-11.org.jstgt:a").allowWhen((name, address) -> {
            asked.add(address);
            return !address.equals(peer);
        });
        // as "!iqn.2026-11.org.example:host1, iqn.2026-11.org.example:*"
        FakeScsiTarget byName = new FakeScsiTarget("iqn.2026-11.org.jstgt:b").allowWhen((name, address) ->
                !name.equals(Wire.INITIATOR) && name.startsWith("iqn.2026-11.org.example:"));
        FakeScsiTarget open = new FakeScsiTarget("iqn.2026-11.org.jstgt:c");
        Fabric f = Wire.fabric(byAddress, byName, open);
        try (Wire w = discovery(f)) {
            TextResponse r = sendTargets(w, "All", Bhs.NO_TAG);
            assertEquals(List.of("TargetName=iqn.2026-11.org.jstgt:c"), Wire.pairs(r.data()).stream()
                    .filter(p -> p.startsWith("TargetName=")).toList());
            r.release();
            TextResponse one = sendTargets(w, "iqn.2026-11.org.jstgt:b", Bhs.NO_TAG);
            assertEquals(List.of(), Wire.pairs(one.data()), "not even when asked for by name");
            one.release();
        }
        assertEquals(peer, asked.get(0), "the rule is asked with the peer's address");
        try (Wire w = new Wire(f)) {
            LoginResponse login = w.loginStep(true, 1, 3, "InitiatorName=" + other, "SessionType=Discovery");
            assertEquals(0, login.status());
            login.release();
            TextResponse r = sendTargets(w, "All", Bhs.NO_TAG);
            assertEquals(List.of("TargetName=iqn.2026-11.org.jstgt:b", "TargetName=iqn.2026-11.org.jstgt:c"),
                    Wire.pairs(r.data()).stream().filter(p -> p.startsWith("TargetName=")).toList());
            r.release();
        }
        for (FakeScsiTarget denied : List.of(byAddress, byName)) {
            try (Wire w = new Wire(f)) {
                LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR,
                        "TargetName=" + denied.iqn());
                assertEquals(LoginStatus.AUTHORIZATION_FAILURE, r.status(), denied.iqn());
                r.release();
                assertFalse(w.target.isOpen());
            }
        }
        assertTrue(byAddress.nexuses().isEmpty());
        assertTrue(byName.nexuses().isEmpty());
        try (Wire w = new Wire(f)) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + open.iqn());
            assertEquals(LoginStatus.SUCCESS, r.status());
            r.release();
        }
    }

    @Test
    void longAnswersAreContinuedWithTargetTransferTag() {
        List<FakeScsiTarget> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(new FakeScsiTarget("iqn.2026-11.org.jstgt:target-with-a-long-name-number-" + i));
        }
        try (Wire w = discovery(Wire.fabric(many.toArray(new FakeScsiTarget[0])), "MaxRecvDataSegmentLength=4096")) {
            StringBuilder all = new StringBuilder();
            TextResponse r = sendTargets(w, "All", Bhs.NO_TAG);
            int pdus = 1;
            while (!r.finalFlag()) {
                assertTrue(r.cont());
                assertNotEquals(Bhs.NO_TAG, r.ttt());
                assertTrue(r.data().readableBytes() <= 4096);
                all.append(r.data().toString(java.nio.charset.StandardCharsets.UTF_8));
                int ttt = r.ttt();
                r.release();
                r = sendTargets(w, null, ttt);
                pdus++;
            }
            all.append(r.data().toString(java.nio.charset.StandardCharsets.UTF_8));
            r.release();
            assertTrue(pdus > 3);
            long names = all.toString().split("\0").length;
            assertEquals(200 * 3, names);
        }
    }

    @Test
    void scsiCommandInDiscoverySessionIsAProtocolError() {
        try (Wire w = discovery(Wire.fabric())) {
            w.send(new ScsiCommand(true, true, false, false, 1, 0, 5, 0, w.cmdSn, w.expStatSn, new byte[16], -1,
                    Unpooled.EMPTY_BUFFER));
            Reject r = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, r.reason());
            assertEquals(5, Bhs.itt(io.netty.buffer.ByteBufUtil.getBytes(r.data())));
            r.release();
            assertFalse(w.target.isOpen(), "a protocol error (RFC 7143 §4.3): the connection is given up");
        }
    }

    @Test
    void unknownTextKeysAreNotUnderstood() {
        try (Wire w = discovery(Wire.fabric())) {
            w.send(new TextRequest(true, true, false, 0, 9, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                    Wire.text("X-vendor.thing=1", "MaxBurstLength=512")));
            TextResponse r = w.one(TextResponse.class);
            assertEquals(List.of("X-vendor.thing=NotUnderstood", "MaxBurstLength=Reject"), Wire.pairs(r.data()));
            r.release();
            assertFalse(!w.target.isOpen());
        }
    }

    @Test
    void textKeyLengthAndSyntaxRules() {
        try (Wire w = discovery(Wire.fabric())) {
            // RFC 7143 §6.1: a value over 255 bytes is answered Reject; public extension keys parse
            w.send(new TextRequest(true, true, false, 0, 9, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                    Wire.text("SendTargets=iqn.2026-11.org.jstgt:" + "x".repeat(240), "X#NodeArchitecture=Linux")));
            TextResponse r = w.one(TextResponse.class);
            assertEquals(List.of("SendTargets=Reject", "X#NodeArchitecture=NotUnderstood"), Wire.pairs(r.data()));
            w.expStatSn = r.statSn() + 1;
            r.release();
            // a malformed pair is a protocol error (RFC 7143 §6.1)
            w.send(new TextRequest(true, true, false, 0, 10, Bhs.NO_TAG, w.cmdSn, w.expStatSn,
                    Wire.text("NoEquals")));
            Reject bad = w.one(Reject.class);
            assertEquals(RejectReason.PROTOCOL_ERROR, bad.reason());
            bad.release();
        }
    }
}
