package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.session.Session;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.FakeScsiTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.junit.jupiter.api.Test;

/** A session's I/O counters: what its SCSI commands did, counted where each is answered. */
class SessionStatsTest {
    private final FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET).blocks(64);

    private static ScsiCommand cmd(Wire w, byte[] cdb, boolean read, boolean write, int edtl, ByteBuf data) {
        return new ScsiCommand(false, true, read, write, 1, 0, ++w.itt, edtl, w.cmdSn++, w.expStatSn, cdb, -1, data);
    }

    private static Session only(Wire w) {
        List<Session> all = w.fabric.sessions().sessions();
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void readsWritesAndErrorsOfASessionAreCounted() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal("ImmediateData=Yes");
            assertEquals(IoStats.EMPTY, only(w).ioStats());
            w.send(cmd(w, FullFeatureTest.read10(2, 4), true, false, 2048, Unpooled.EMPTY_BUFFER));
            w.receive().forEach(Pdu::release);
            // the initiator takes less than the CDB asks: only what went out counts
            w.send(cmd(w, FullFeatureTest.read10(0, 2), true, false, 512, Unpooled.EMPTY_BUFFER));
            DataIn d = w.one(DataIn.class);
            assertTrue(d.overflow());
            d.release();
            w.send(cmd(w, FullFeatureTest.write10(3, 1), false, true, 512, FullFeatureTest.pattern(512, 1)));
            w.one(ScsiResponse.class).release();
            w.send(cmd(w, FullFeatureTest.read10(1000, 1), true, false, 512, Unpooled.EMPTY_BUFFER));
            ScsiResponse err = w.one(ScsiResponse.class);
            assertEquals(2, err.status());
            err.release();
            w.send(cmd(w, FullFeatureTest.inquiry(36), true, false, 36, Unpooled.EMPTY_BUFFER));
            w.receive().forEach(Pdu::release);

            IoStats s = only(w).ioStats();
            assertEquals(2, s.reads());
            assertEquals(2048 + 512, s.readBytes());
            assertEquals(1, s.writes());
            assertEquals(512, s.writeBytes());
            assertEquals(2, s.others(), "the READ past the end ended before its data phase; INQUIRY");
            assertEquals(Map.of("ILLEGAL REQUEST", 1L), s.errorsBySenseKey());
            assertEquals(0, s.inFlight());
            assertEquals(2, s.readLatency().count());
            assertEquals(1, s.writeLatency().count());
        }
    }

    @Test
    void aCommandWaitingForItsDataIsInFlight() {
        try (Wire w = new Wire(Wire.fabric(disk))) {
            w.loginNormal();
            w.send(cmd(w, FullFeatureTest.write10(0, 2), false, true, 1024, Unpooled.EMPTY_BUFFER));
            w.receive().forEach(Pdu::release); // the R2T
            IoStats s = only(w).ioStats();
            assertEquals(1, s.inFlight());
            assertEquals(0, s.commands());
        }
    }

    @Test
    void theServerListsNormalSessionsByTsih() throws Exception {
        IscsiServer server = PortalTcpTest.server(FakeScsiTarget.registry(disk), "nio");
        try {
            InetSocketAddress a = PortalTcpTest.openPortal(server);
            InitiatorOptions o = InitiatorOptions.defaults().withTimeout(Duration.ofSeconds(10));
            try (Initiator i = Initiator.connect(a, o); Initiator discovery = Initiator.connect(a, o)) {
                discovery.loginDiscovery();
                i.login(Wire.TARGET);
                i.scsi(0, Cdbs.read10(0, 8), null, 4096).assertGood();
                i.scsi(0, Cdbs.read10(8, 1), null, 512).assertGood();
                i.scsi(0, Cdbs.testUnitReady(), null, 0).assertGood();
                Map<Integer, IoStats> stats = server.sessionStats();
                assertEquals(List.of(i.tsih()), List.copyOf(stats.keySet()), "the discovery session is not listed");
                IoStats s = stats.get(i.tsih());
                assertEquals(2, s.reads());
                assertEquals(4096 + 512, s.readBytes());
                assertEquals(1, s.others());
            }
        } finally {
            server.deactivate();
        }
    }
}
