package org.jstgt.iscsi.text;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.log.LogBudget;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.login.KeyRules;
import org.jstgt.iscsi.login.LoginKey;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text exchange of one connection in the Full Feature Phase (RFC 7143 §11.10, §11.11): joins
 * C-bit continuations, answers {@code SendTargets}, refuses renegotiation, and sends long answers
 * in pieces of the initiator's MaxRecvDataSegmentLength, each continued by an empty request with
 * the Target Transfer Tag given.
 */
public final class TextExchange {
    private static final Logger LOG = LoggerFactory.getLogger(TextExchange.class);

    private final ConnectionPort port;
    private final Session session;
    private final Supplier<TargetRegistry> registry;
    private final PortalDirectory portals;
    private final ByteArrayOutputStream textIn = new ByteArrayOutputStream();
    private byte[] textOut;
    private int textOutOffset;
    private int textOutTtt = Bhs.NO_TAG;
    private final LogBudget logBudget = new LogBudget();

    /**
     * @param port the connection
     * @param session its session
     * @param registry the targets (null while the SCSI core is absent)
     * @param portals the serving portals
     */
    public TextExchange(ConnectionPort port, Session session, Supplier<TargetRegistry> registry,
            PortalDirectory portals) {
        this.port = port;
        this.session = session;
        this.registry = registry;
        this.portals = portals;
    }

    /**
     * Answers one Text Request.
     *
     * @param req the request (the caller releases it)
     */
    public void request(TextRequest req) {
        if (req.ttt() != Bhs.NO_TAG && textOut != null && req.ttt() == textOutTtt && req.data().readableBytes() == 0) {
            sendChunk(req);
            return;
        }
        if (req.ttt() != Bhs.NO_TAG && textIn.size() == 0) {
            port.reject(RejectReason.INVALID_PDU_FIELD, req.header());
            return;
        }
        textOut = null;
        ByteBuf d = req.data();
        int maxText = port.limits().maxText();
        if (textIn.size() + d.readableBytes() > maxText) {
            LOG.info("{}: text request longer than {} bytes ({}); rejected", port.remoteDescription(), maxText,
                    PortalLimits.TEXT_MAX);
            textIn.reset();
            port.reject(RejectReason.PROTOCOL_ERROR, req.header());
            return;
        }
        byte[] chunk = new byte[d.readableBytes()];
        d.getBytes(d.readerIndex(), chunk);
        textIn.writeBytes(chunk);
        if (req.cont()) {
            textOutTtt = port.newTargetTransferTag();
            port.send(new TextResponse(false, false, req.lun(), req.itt(), textOutTtt, port.nextStatSn(),
                    session.window().expCmdSn(), session.window().maxCmdSn(), Unpooled.EMPTY_BUFFER));
            return;
        }
        List<Map.Entry<String, String>> pairs;
        try {
            pairs = TextKeys.parse(textIn.toByteArray());
        } catch (TextKeys.SyntaxException e) {
            textIn.reset();
            if (logBudget.allow(LOG, port.remoteDescription())) {
                LOG.info("{}: bad text request: {}", port.remoteDescription(),
                        LogSafe.of(e.getMessage(), LogSafe.MESSAGE));
            }
            port.reject(RejectReason.PROTOCOL_ERROR, req.header());
            return;
        }
        textIn.reset();
        List<Map.Entry<String, String>> answer = new ArrayList<>();
        for (Map.Entry<String, String> e : pairs) {
            LoginKey key = LoginKey.byWire(e.getKey());
            if (key != null && KeyRules.valueTooLong(key, e.getValue())) {
                // RFC 7143 §6.1: at most 255 bytes (SendTargets names a target, at most 223)
                answer.add(Map.entry(e.getKey(), "Reject"));
            } else if (key == LoginKey.SEND_TARGETS) {
                answer.addAll(SendTargets.answer(e.getValue(), registry.get(), portals.endpoints(),
                        session.portalName(), session.discovery() ? null : session.target(), session.initiatorName(),
                        port.remoteAddress(), port.localAddress()));
            } else if (key == null) {
                answer.add(Map.entry(e.getKey(), "NotUnderstood"));
            } else {
                // Renegotiation in the Full Feature Phase is not offered (RFC 7143 §6.2).
                answer.add(Map.entry(e.getKey(), "Reject"));
            }
        }
        textOut = TextKeys.encode(answer);
        textOutOffset = 0;
        sendChunk(req);
    }

    private void sendChunk(TextRequest req) {
        int max = port.negotiated().initiatorMaxRecvDataSegmentLength();
        int len = Math.min(max, textOut.length - textOutOffset);
        ByteBuf data = len == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(textOut, textOutOffset, len);
        textOutOffset += len;
        boolean more = textOutOffset < textOut.length;
        int ttt = more ? port.newTargetTransferTag() : Bhs.NO_TAG;
        textOutTtt = ttt;
        if (!more) {
            textOut = null;
        }
        port.send(new TextResponse(!more, more, req.lun(), req.itt(), ttt, port.nextStatSn(),
                session.window().expCmdSn(), session.window().maxCmdSn(), data));
    }
}
