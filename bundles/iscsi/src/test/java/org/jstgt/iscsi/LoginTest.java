package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.buffer.ByteBuf;

import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.login.LoginHandler;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

class LoginTest {

    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);

    private int failStatus(Fabric fabric, String... kv) {
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 1, 3, kv);
            r.release();
            assertFalse(w.target.isOpen(), "connection closed after a failed login");
            return r.status();
        }
    }

    @Test
    void normalLoginFromOperationalStage() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            assertTrue(w.target.pipeline().get(Connection.HANDLER) instanceof LoginHandler);
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "SessionType=Normal", "HeaderDigest=None", "DataDigest=None", "MaxBurstLength=65536",
                    "FirstBurstLength=1048576", "ImmediateData=Yes", "InitialR2T=No", "MaxRecvDataSegmentLength=4096",
                    "ErrorRecoveryLevel=0", "X-com.example.Foo=1", "Bogus=2", "InitiatorAlias=host1");
            assertEquals(0, r.status());
            assertTrue(r.transit());
            assertEquals(1, r.csg());
            assertEquals(3, r.nsg());
            assertNotEquals(0, r.tsih());
            assertEquals(Wire.ISID, r.isid());
            Map<String, String> k = Wire.keys(r.data());
            assertEquals("1", k.get("TargetPortalGroupTag"));
            assertEquals("None", k.get("HeaderDigest"));
            assertEquals("65536", k.get("MaxBurstLength"));
            assertEquals("65536", k.get("FirstBurstLength"), "FirstBurstLength clamped to MaxBurstLength");
            assertEquals("No", k.get("InitialR2T"));
            assertEquals("NotUnderstood", k.get("X-com.example.Foo"));
            assertEquals("NotUnderstood", k.get("Bogus"));
            assertEquals("262144", k.get("MaxRecvDataSegmentLength"));
            assertFalse(k.containsKey("InitiatorAlias"));
            assertEquals(1, r.expCmdSn());
            assertEquals(128, r.maxCmdSn() - r.expCmdSn() + 1, "window = queue.depth");
            r.release();
            assertTrue(w.target.isOpen());
            assertEquals("FullFeatureHandler", w.target.pipeline().get(Connection.HANDLER).getClass().getSimpleName(),
                    "the login handler handed over to the full feature handler");
            assertEquals(1, disk.nexuses().size());
            assertEquals(1, w.fabric.sessionInfos().size());
        }
    }

    @Test
    void securityStageWithAuthMethodNoneThenOperational() {
        disk.alias("Disk One");
        try (Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse r1 = w.loginStep(true, 0, 1, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=CHAP,None");
            assertEquals(0, r1.status());
            assertEquals(0, r1.csg());
            assertEquals(1, r1.nsg());
            assertTrue(r1.transit());
            assertEquals(0, r1.tsih());
            Map<String, String> k = Wire.keys(r1.data());
            assertEquals("None", k.get("AuthMethod"));
            assertEquals("1", k.get("TargetPortalGroupTag"));
            assertEquals("Disk One", k.get("TargetAlias"));
            r1.release();
            LoginResponse r2 = w.loginStep(false, 1, 0, "HeaderDigest=CRC32C,None", "DataDigest=CRC32C,None");
            assertEquals(0, r2.status());
            assertFalse(r2.transit());
            assertEquals("CRC32C", Wire.keys(r2.data()).get("HeaderDigest"));
            assertEquals(r1.statSn() + 1, r2.statSn());
            r2.release();
            LoginResponse r3 = w.loginStep(true, 1, 3);
            assertEquals(0, r3.status());
            assertEquals(3, r3.nsg());
            assertNotEquals(0, r3.tsih());
            r3.release();
        }
    }

    @Test
    void continuationBitJoinsText() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            byte[] all = "InitiatorName=iqn.2026-11.org.example:host1\0TargetName=iqn.2026-11.org.jstgt:disk1\0"
                    .getBytes();
            int cut = 20;
            w.send(new LoginRequest(false, true, 1, 0, 0, 0, Wire.ISID, 0, 1, 1, 1, 0,
                    io.netty.buffer.Unpooled.wrappedBuffer(all, 0, cut)));
            LoginResponse partial = w.one(LoginResponse.class);
            assertEquals(0, partial.status());
            assertEquals(0, partial.data().readableBytes());
            assertFalse(partial.transit());
            w.send(new LoginRequest(true, false, 1, 3, 0, 0, Wire.ISID, 0, 1, 1, 1, 0,
                    io.netty.buffer.Unpooled.wrappedBuffer(all, cut, all.length - cut)));
            LoginResponse done = w.one(LoginResponse.class);
            assertEquals(0, done.status());
            assertEquals(3, done.nsg());
            done.release();
        }
    }

    @Test
    void failureStatuses() {
        Fabric f = Wire.fabric(disk);
        assertEquals(0x0207, failStatus(f, "TargetName=" + Wire.TARGET));
        assertEquals(0x0207, failStatus(f, "InitiatorName=" + Wire.INITIATOR));
        assertEquals(0x0203, failStatus(f, "InitiatorName=" + Wire.INITIATOR, "TargetName=iqn.2026-11.org.jstgt:none"));
        assertEquals(0x0200, failStatus(f, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                "MaxBurstLength=4096", "MaxBurstLength=8192"));
        assertEquals(0x0209, failStatus(f, "InitiatorName=" + Wire.INITIATOR, "SessionType=Weird"));
        disk.allowOnly(Set.of("iqn.2026-11.org.example:other"));
        assertEquals(0x0202, failStatus(f, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET));
        disk.allowAll();
        disk.portals(List.of("elsewhere"));
        assertEquals(0x0203, failStatus(f, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET));
        disk.portals(List.of());
        assertEquals(0x0301, failStatus(new Fabric(() -> null, List::of), "InitiatorName=" + Wire.INITIATOR,
                "TargetName=" + Wire.TARGET));
    }

    @Test
    void chapOnlyOfferFailsAuthentication() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse r = w.loginStep(false, 0, 0, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=CHAP");
            assertEquals(0x0201, r.status());
            r.release();
        }
    }

    @Test
    void versionMinAboveZeroIsUnsupported() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.send(new LoginRequest(true, false, 1, 3, 2, 1, Wire.ISID, 0, 1, 1, 1, 0,
                    Wire.text("InitiatorName=" + Wire.INITIATOR)));
            LoginResponse r = w.one(LoginResponse.class);
            assertEquals(0x0205, r.status());
        }
    }

    @Test
    void aJoiningLoginWithTheCidOfTheConnectionReplacesItAndAnUnknownTsihFindsNoSession() {
        Fabric f = Wire.fabric(disk);
        try (Wire first = new Wire(f); Wire second = new Wire(f); Wire third = new Wire(f)) {
            LoginResponse r = first.loginNormal();
            // the same CID (0) on the session's TSIH: connection reinstatement (RFC 7143 §6.3.4),
            // which MaxConnections=1 does not prevent
            second.send(second.login(true, 1, 3, r.tsih(), Wire.text("InitiatorName=" + Wire.INITIATOR,
                    "TargetName=" + Wire.TARGET)));
            LoginResponse r2 = second.one(LoginResponse.class);
            assertEquals(0, r2.status());
            assertEquals(r.tsih(), r2.tsih());
            r2.release();
            first.target.runPendingTasks();
            assertFalse(first.target.isOpen(), "the replaced connection is closed");
            third.send(third.login(true, 1, 3, (r.tsih() + 7) & 0xffff, Wire.text("InitiatorName=" + Wire.INITIATOR,
                    "TargetName=" + Wire.TARGET)));
            LoginResponse r3 = third.one(LoginResponse.class);
            assertEquals(0x020a, r3.status());
            r3.release();
        }
    }

    @Test
    void reinstatementClosesTheOldSession() {
        Fabric f = Wire.fabric(disk);
        try (Wire first = new Wire(f); Wire second = new Wire(f)) {
            LoginResponse r1 = first.loginNormal();
            LoginResponse r2 = second.loginNormal();
            assertNotEquals(r1.tsih(), r2.tsih());
            first.target.runPendingTasks();
            assertFalse(first.target.isOpen(), "old connection closed");
            assertTrue(disk.nexuses().get(0).closed(), "old nexus closed");
            assertFalse(disk.nexuses().get(1).closed());
            assertEquals(1, f.sessionInfos().size());
            assertEquals(r2.tsih(), f.sessionInfos().get(0).tsih());
        }
    }

    @Test
    void discoveryMarksSessionKeysIrrelevant() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "SessionType=Discovery",
                    "MaxBurstLength=4096", "HeaderDigest=None");
            assertEquals(0, r.status());
            Map<String, String> k = Wire.keys(r.data());
            assertEquals("Irrelevant", k.get("MaxBurstLength"));
            assertEquals("None", k.get("HeaderDigest"));
            assertNull(k.get("TargetPortalGroupTag"));
            r.release();
        }
    }

    @Test
    void nonLoginPduDuringLoginClosesConnection() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.send(new org.jstgt.iscsi.pdu.NopOut(true, 0, 1, -1, 1, 0, io.netty.buffer.Unpooled.EMPTY_BUFFER));
            assertFalse(w.target.isOpen());
        }
    }

    @Test
    void valueLengthAndKeySyntax() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            // RFC 7143 §6.1: a value over 255 bytes is answered Reject; the login goes on
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "InitiatorAlias=" + "a".repeat(256), "X#NodeArchitecture=Linux", "Y#example=1");
            assertEquals(0, r.status());
            Map<String, String> k = Wire.keys(r.data());
            assertEquals("Reject", k.get("InitiatorAlias"));
            assertEquals("NotUnderstood", k.get("X#NodeArchitecture"), "a public extension key parses");
            assertEquals("NotUnderstood", k.get("Y#example"));
            r.release();
        }
        try (Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "InitiatorAlias=" + "\u00e9".repeat(127) + "a");
            assertEquals(0, r.status());
            assertFalse(Wire.keys(r.data()).containsKey("InitiatorAlias"), "255 bytes are allowed");
            r.release();
        }
        Fabric f = Wire.fabric(disk);
        String[] base = {"InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET};
        for (String bad : List.of("K" + "x".repeat(63) + "=1", "NoEquals", "=value", "Bad*Key=1", "In#side=1", "X#=1")) {
            assertEquals(0x0200, failStatus(f, base[0], base[1], bad), bad);
        }
        assertEquals(0, failStatusOrZero(f, base[0], base[1], "K" + "x".repeat(62) + "=1"), "63 bytes are allowed");
    }

    private int failStatusOrZero(Fabric fabric, String... kv) {
        try (Wire w = new Wire(fabric)) {
            LoginResponse r = w.loginStep(true, 1, 3, kv);
            r.release();
            return r.status();
        }
    }

    @Test
    void protocolLevelIsTheMinimumOfTheOfferAndOurs() {
        // RFC 7143 §13.24: iSCSIProtocolLevel, 0..31, result function Minimum; ours is 1
        for (String[] offer : new String[][] {{"2", "1"}, {"1", "1"}, {"0", "0"}, {"31", "1"}, {"32", "Reject"}}) {
            try (Wire w = new Wire(Wire.fabric(disk))) {
                LoginResponse r = w.loginStep(true, 1, 3, "InitiatorName=" + Wire.INITIATOR,
                        "TargetName=" + Wire.TARGET, "iSCSIProtocolLevel=" + offer[0]);
                assertEquals(0, r.status());
                assertEquals(offer[1], Wire.keys(r.data()).get("iSCSIProtocolLevel"), offer[0]);
                r.release();
            }
        }
    }

    @Test
    void nonLoginPduAfterTheFirstLoginRequestIsInvalidDuringLogin() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            LoginResponse r = w.loginStep(false, 0, 0, "InitiatorName=" + Wire.INITIATOR, "TargetName=" + Wire.TARGET,
                    "AuthMethod=None");
            assertEquals(0, r.status());
            r.release();
            w.send(new org.jstgt.iscsi.pdu.NopOut(true, 0, 7, -1, 1, 0, io.netty.buffer.Unpooled.EMPTY_BUFFER));
            LoginResponse bad = w.one(LoginResponse.class);
            // RFC 7143 §6.3: Login reject "Invalid during login", then the connection closes
            assertEquals(0x020b, bad.status());
            assertEquals(Wire.ISID, bad.isid());
            bad.release();
            assertFalse(w.target.isOpen());
        }
    }

    static ByteBuf unused() {
        return null;
    }
}
