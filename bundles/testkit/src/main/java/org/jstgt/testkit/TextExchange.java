package org.jstgt.testkit;

import static org.jstgt.testkit.InitiatorConnection.unexpected;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The text exchange of an {@link Initiator} (RFC 7143 §11.10-11.11): SendTargets=All following
 * text continuations, and the parsing of its answer into target records (RFC 7143 §13.3, Appendix C).
 */
final class TextExchange {
    private TextExchange() {
    }

    /** See {@link Initiator#sendTargetsAll()}. */
    static List<DiscoveredTarget> sendTargetsAll(InitiatorConnection c) throws IOException {
        c.requireLoggedIn();
        long deadline = c.deadline();
        int itt = c.nextItt();
        int ttt = Pdu.RESERVED_TAG;
        byte[] request = TextKeys.encode(Map.of("SendTargets", "All"));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int round = 0; round < 1024; round++) {
            c.awaitWindow(deadline);
            Pdu req = new Pdu(Pdu.TEXT_REQUEST).flags(0x80).itt(itt).int32(20, ttt).int32(24, c.session.takeCmdSN())
                    .int32(28, c.expStatSN).data(round == 0 ? request : new byte[0]);
            c.send(req);
            Pdu resp = c.receiveFor(itt, deadline, "Text Response");
            if (resp.opcode() != Pdu.TEXT_RESPONSE) {
                throw unexpected(resp, "Text Response");
            }
            c.checkStatSN(resp);
            text.writeBytes(resp.data());
            boolean fin = resp.isFinal();
            boolean cont = (resp.flags() & LoginNegotiation.CONTINUE) != 0;
            if (fin && cont) {
                throw new IscsiProtocolException("Text Response with both F and C bits (RFC 7143 §11.11.2)");
            }
            if (fin) {
                try {
                    return parseSendTargets(text.toByteArray());
                } catch (IllegalArgumentException e) {
                    throw new IscsiProtocolException("SendTargets answer: " + e.getMessage());
                }
            }
            ttt = resp.int32(20);
            if (ttt == Pdu.RESERVED_TAG) {
                throw new IscsiProtocolException("non-final Text Response without a Target Transfer Tag");
            }
        }
        throw new IscsiProtocolException("SendTargets answer never ended");
    }

    /** See {@link Initiator#parseSendTargets(byte[])}. */
    static List<DiscoveredTarget> parseSendTargets(byte[] text) {
        List<DiscoveredTarget> out = new ArrayList<>();
        String name = null;
        List<String> addresses = new ArrayList<>();
        for (TextKeys.Pair p : TextKeys.parse(text)) {
            if (p.key().equals("TargetName")) {
                if (name != null) {
                    out.add(new DiscoveredTarget(name, addresses));
                }
                name = p.value();
                addresses = new ArrayList<>();
            } else if (p.key().equals("TargetAddress")) {
                if (name == null) {
                    throw new IllegalArgumentException("TargetAddress before any TargetName");
                }
                addresses.add(p.value());
            } else {
                throw new IllegalArgumentException("key " + p.key() + "=" + p.value()
                        + " in a target record, which holds only TargetName and TargetAddress");
            }
        }
        if (name != null) {
            out.add(new DiscoveredTarget(name, addresses));
        }
        return out;
    }
}
