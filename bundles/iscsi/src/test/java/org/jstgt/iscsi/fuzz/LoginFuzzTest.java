package org.jstgt.iscsi.fuzz;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LoginResponse;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.TextRequest;

/**
 * The login state machine (RFC 7143 §6, §11.12) fed a sequence of Login Requests built from fuzz
 * data: stages and transit bits in and out of order, continued key text, ISID/TSIH/CID for new,
 * reinstated and unknown sessions, CmdSN and ExpStatSN right or off, key sets from the §13 table
 * with good and bad values, and now and then a non-login PDU, raw bytes or the login timer
 * running out. Whatever comes, the target answers with well-formed Login Responses only, never
 * throws, and releases every buffer ({@link Peer}).
 */
class LoginFuzzTest {

    @FuzzTest
    void logins(FuzzedDataProvider data) {
        Gen g = new Gen(data);
        try (Peer peer = new Peer()) {
            int tsih = 0;
            int stage = g.pick(4) == 0 ? 0 : 1;
            boolean first = true;
            while (g.more() && peer.target.isOpen()) {
                int chunk = g.pick(4) == 0 ? 1 + g.pick(64) : 0;
                switch (g.pick(12)) {
                    case 0 -> peer.send(other(g, peer), chunk);
                    case 1 -> peer.sendBytes(peer.buffer(data.consumeBytes(1 + g.pick(96))), chunk);
                    case 2 -> peer.sleep(data.consumeInt(0, 40_000));
                    default -> {
                        boolean transit = g.pick(4) != 0;
                        boolean cont = g.pick(8) == 0;
                        int csg = g.pick(6) == 0 ? g.pick(4) : stage;
                        int nsg = g.pick(6) == 0 ? g.pick(4) : (csg == 0 ? 1 : 3);
                        List<String> required = new ArrayList<>();
                        if (first || g.pick(4) == 0) {
                            if (g.pick(8) != 0) {
                                required.add("InitiatorName=" + Peer.INITIATOR);
                            }
                            switch (g.pick(4)) {
                                case 0 -> required.add("SessionType=Discovery");
                                case 1 -> { }
                                default -> required.add("TargetName=" + Peer.TARGET);
                            }
                        }
                        if (csg == 0 && g.bool()) {
                            required.add("AuthMethod=None");
                        }
                        long isid = g.pick(8) == 0 ? data.consumeLong() & 0xffffffffffffL : Peer.ISID;
                        int useTsih = g.pick(4) == 0 ? g.near(tsih) & 0xffff : 0;
                        LoginRequest r = new LoginRequest(transit, cont, csg, nsg, g.pick(8) == 0 ? g.pick(256) : 0,
                                0, isid, useTsih, g.near(peer.itt), g.pick(8) == 0 ? g.pick(4) : 0, g.near(peer.cmdSn),
                                g.near(peer.expStatSn), g.text(peer, required));
                        int before = peer.sent.size();
                        peer.send(r, chunk);
                        first = false;
                        if (peer.sent.size() > before && peer.sent.get(peer.sent.size() - 1) instanceof LoginResponse a) {
                            if (a.status() == 0 && a.transit()) {
                                stage = a.nsg();
                            }
                            if (a.tsih() != 0) {
                                tsih = a.tsih();
                            }
                        }
                        if (g.pick(8) != 0) {
                            peer.itt++;
                        }
                    }
                }
            }
        }
    }

    /** @return a PDU that has no place in the login phase (or starts the Full Feature Phase) */
    static Pdu other(Gen g, Peer peer) {
        return switch (g.pick(4)) {
            case 0 -> new NopOut(true, 0, peer.itt++, Bhs.NO_TAG, peer.cmdSn, peer.expStatSn, Unpooled.EMPTY_BUFFER);
            case 1 -> new TextRequest(true, true, false, 0, peer.itt++, Bhs.NO_TAG, peer.cmdSn, peer.expStatSn,
                    g.text(peer, List.of("SendTargets=All")));
            case 2 -> new LogoutRequest(true, 0, peer.itt++, 0, peer.cmdSn, peer.expStatSn);
            default -> new ScsiCommand(false, true, true, false, 1, 0, peer.itt++, 512, peer.cmdSn, peer.expStatSn,
                    new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, -1, Unpooled.EMPTY_BUFFER);
        };
    }
}
