package org.jstgt.iscsi.fuzz;

import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.testkit.FakeScsiTarget;

/**
 * Text negotiation in the Full Feature Phase (RFC 7143 §6.2, §11.10) of a Normal or Discovery
 * session, fed sequences of Text Requests: continued requests (C bit), continuations of long
 * answers (the Target Transfer Tag of the last response, or a stale or invented one), new
 * exchanges that cut in with another ITT, resets (TTT 0xffffffff), SendTargets over a dozen
 * targets with long aliases split at a small MaxRecvDataSegmentLength, operational keys with good
 * and bad values, CmdSN right or off, and NOP-Outs between.
 */
class TextFuzzTest {

    @FuzzTest
    void exchanges(FuzzedDataProvider data) {
        Gen g = new Gen(data);
        FakeScsiTarget[] others = new FakeScsiTarget[12];
        for (int i = 0; i < others.length; i++) {
            others[i] = new FakeScsiTarget("iqn.2026-11.org.jstgt:t" + i).alias("alias " + "x".repeat(40 * i));
        }
        try (Peer peer = new Peer(new FakeScsiTarget(Peer.TARGET), others)) {
            List<String> keys = new ArrayList<>();
            if (g.bool()) {
                keys.add("SessionType=Discovery");
            } else {
                keys.add("TargetName=" + Peer.TARGET);
            }
            keys.add("MaxRecvDataSegmentLength=" + (g.bool() ? 512 : 8192));
            if (!peer.login(keys)) {
                return;
            }
            int itt = peer.itt++;
            int ttt = Bhs.NO_TAG;
            while (g.more() && peer.target.isOpen()) {
                int chunk = g.pick(8) == 0 ? 1 + g.pick(64) : 0;
                Pdu pdu;
                switch (g.pick(10)) {
                    case 0 -> {
                        pdu = new NopOut(true, 0, peer.itt++, Bhs.NO_TAG, peer.cmdSn, peer.expStatSn,
                                Unpooled.EMPTY_BUFFER);
                    }
                    case 1 -> {
                        peer.sleep(data.consumeInt(0, 20_000));
                        continue;
                    }
                    default -> {
                        if (g.pick(4) == 0) {
                            itt = g.pick(4) == 0 ? data.consumeInt() : peer.itt++;
                        }
                        int useTtt = switch (g.pick(8)) {
                            case 0 -> Bhs.NO_TAG;
                            case 1 -> data.consumeInt();
                            default -> ttt;
                        };
                        boolean cont = g.pick(6) == 0;
                        boolean fin = cont ? g.pick(8) == 0 : g.pick(8) != 0;
                        boolean immediate = g.bool();
                        List<String> required = new ArrayList<>();
                        if (useTtt == Bhs.NO_TAG && g.bool()) {
                            required.add("SendTargets=" + switch (g.pick(4)) {
                                case 0 -> "";
                                case 1 -> "iqn.2026-11.org.jstgt:t" + g.pick(14);
                                default -> "All";
                            });
                        }
                        ByteBuf text = useTtt != Bhs.NO_TAG && g.bool() ? Unpooled.EMPTY_BUFFER
                                : g.text(peer, required);
                        pdu = new TextRequest(immediate, fin, cont, g.pick(8) == 0 ? data.consumeLong() : 0, itt,
                                useTtt, g.near(peer.cmdSn), g.near(peer.expStatSn), text);
                        if (!immediate) {
                            peer.cmdSn++;
                        }
                    }
                }
                int before = peer.sent.size();
                peer.send(pdu, chunk);
                for (Pdu p : peer.sent.subList(before, peer.sent.size())) {
                    if (p instanceof TextResponse r) {
                        ttt = r.ttt();
                    }
                }
            }
        }
    }
}
