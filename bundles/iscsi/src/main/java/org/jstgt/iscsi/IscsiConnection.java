package org.jstgt.iscsi;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.login.Login;
import org.jstgt.iscsi.login.LoginHost;
import org.jstgt.iscsi.login.LoginKey;
import org.jstgt.iscsi.login.LoginResult;
import org.jstgt.iscsi.login.LoginStatus;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.pdu.AsyncMessage;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.pdu.DataOut;
import org.jstgt.iscsi.pdu.InvalidPdu;
import org.jstgt.iscsi.pdu.LoginRequest;
import org.jstgt.iscsi.pdu.LogoutRequest;
import org.jstgt.iscsi.pdu.LogoutResponse;
import org.jstgt.iscsi.pdu.MalformedPduException;
import org.jstgt.iscsi.pdu.NopIn;
import org.jstgt.iscsi.pdu.NopOut;
import org.jstgt.iscsi.pdu.Opcode;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduCodec;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.PduEncoder;
import org.jstgt.iscsi.pdu.R2t;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.pdu.ScsiCommand;
import org.jstgt.iscsi.pdu.ScsiResponse;
import org.jstgt.iscsi.pdu.TaskMgmtRequest;
import org.jstgt.iscsi.pdu.TaskMgmtResponse;
import org.jstgt.iscsi.pdu.TextRequest;
import org.jstgt.iscsi.pdu.TextResponse;
import org.jstgt.iscsi.text.SendTargets;
import org.jstgt.iscsi.text.TextKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iSCSI connection (RFC 7143 §4.2): login phase, then the Full Feature Phase of its session.
 * Runs entirely on the channel's event loop; command completions from storage threads hop back
 * with {@code eventLoop().execute}. Every inbound PDU is released here once handled.
 */
final class IscsiConnection extends ChannelInboundHandlerAdapter implements LoginHost {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiConnection.class);

    static final String DECODER = "pdu-decoder";
    static final String ENCODER = "pdu-encoder";
    static final int LOGIN_TIMEOUT_SECONDS = 30;
    /** Longest wait for the initiator to close after we gave a connection up (see linger). */
    static final int LINGER_SECONDS = 2;

    private enum Phase { LOGIN, FULL_FEATURE, LOGGED_OUT, CLOSED }

    private final Fabric fabric;
    private final String portalName;
    private final int portalTag;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Login login;

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.LOGIN;
    /** connectionLost() ran (at the start of a lingering close, or when the channel closed). */
    private boolean lost;
    private Session session;
    private int statSn;
    private int nextTtt = 1;
    private boolean needFlush;
    private boolean flushQueued;

    private final ByteArrayOutputStream textIn = new ByteArrayOutputStream();
    private byte[] textOut;
    private int textOutOffset;
    private int textOutTtt = Bhs.NO_TAG;
    private int executing;
    /** Data segment handed to the decoder by {@link #place(byte[], int)}; the next PDU delivered carries it. */
    private ByteBuf placed;
    /** The placed data segment of the PDU being processed, or null (compared by identity). */
    private ByteBuf placedNow;

    /**
     * Largest Data-Out buffer allocated ahead, from a SCSI Command's header, to receive its
     * immediate data in place (larger transfers get their buffer when the command starts).
     */
    static final int ADOPT_MAX = 8 * 1024 * 1024;

    /**
     * @param fabric shared state
     * @param portalName the portal's configuration name
     * @param portalTag its target portal group tag
     * @param local local address of the connection
     * @param remote the initiator's address
     */
    IscsiConnection(Fabric fabric, String portalName, int portalTag, InetSocketAddress local,
            InetSocketAddress remote) {
        this.fabric = fabric;
        this.portalName = portalName;
        this.portalTag = portalTag;
        this.local = local;
        this.remote = remote;
        this.login = new Login(this);
    }

    String remoteDescription() {
        return SendTargets.format(remote.getAddress(), remote.getPort());
    }

    Session session() {
        return session;
    }

    // ---- LoginHost

    @Override
    public TargetRegistry registry() {
        return fabric.registry();
    }

    @Override
    public org.jstgt.iscsi.security.Authenticators authenticators() {
        return fabric.authenticators();
    }

    @Override
    public String portalName() {
        return portalName;
    }

    @Override
    public int portalTag() {
        return portalTag;
    }

    @Override
    public InetAddress initiatorAddress() {
        return remote.getAddress();
    }

    @Override
    public int checkExistingSession(int tsih, long isid, String initiatorName) {
        Session s = fabric.session(tsih);
        if (s == null || s.isid != isid || !s.initiatorName().equalsIgnoreCase(initiatorName)) {
            return LoginStatus.SESSION_DOES_NOT_EXIST;
        }
        // MaxConnections is always negotiated to 1: no connection can be added (RFC 7143 §13.2).
        return LoginStatus.TOO_MANY_CONNECTIONS;
    }

    @Override
    public int admit(LoginResult r) {
        Nexus nexus = null;
        if (!r.discovery()) {
            Session old = fabric.find(r.initiatorName(), r.isid(), r.target().iqn(), portalTag);
            if (old != null) {
                // Session reinstatement at ErrorRecoveryLevel 0 (RFC 7143 §6.3.5): end the old one.
                LOG.info("session {} of {} reinstated by a new login; closing the old one", old.tsih,
                        r.initiatorName());
                fabric.remove(old);
                old.connection.closeFromOtherThread();
            }
            String ipn = r.initiatorName() + ",i,0x" + String.format("%012x", r.isid());
            String tpn = r.target().iqn() + ",t,0x" + String.format("%04x", portalTag);
            try {
                nexus = r.target().openNexus(r.initiatorName(), ipn, tpn, portalTag);
            } catch (RuntimeException e) {
                LOG.warn("cannot open the I_T nexus for {} on {}", r.initiatorName(), r.target().iqn(), e);
                return -LoginStatus.TARGET_ERROR;
            }
        }
        Nexus n = nexus;
        int tsih = fabric.register(t -> new Session(t, r, portalName, portalTag, n, this));
        if (tsih < 0) {
            if (n != null) {
                n.close();
            }
            return -LoginStatus.OUT_OF_RESOURCES;
        }
        session = fabric.session(tsih);
        return tsih;
    }

    // ---- Netty

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // A connection that never completes its login is dropped (RFC 7143 §6 leaves the
        // bound to the implementation).
        ctx.executor().schedule(() -> {
            if (phase == Phase.LOGIN) {
                LOG.info("{}: login not completed within {} s; closing", remoteDescription(), LOGIN_TIMEOUT_SECONDS);
                phase = Phase.CLOSED;
                ctx.close();
            }
        }, LOGIN_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        placedNow = placed;
        placed = null;
        try {
            if (phase == Phase.CLOSED || phase == Phase.LOGGED_OUT) {
                return;
            }
            if (msg instanceof InvalidPdu bad) {
                invalid(bad);
            } else if (msg instanceof Pdu pdu) {
                if (phase == Phase.LOGIN) {
                    loginPhase(pdu);
                } else {
                    fullFeature(pdu);
                }
            }
        } finally {
            placedNow = null;
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Chooses where a large data segment lands while it arrives ({@link SegmentPlacement}): a
     * Data-Out that fits its task's current burst goes straight into the task's buffer; a write
     * command's immediate data goes into a new buffer big enough for the whole transfer, which the
     * task adopts when it starts. Anything else (or anything doubtful) is left to the decoder and
     * checked as usual when the PDU arrives.
     */
    ByteBuf place(byte[] bhs, int length) {
        placed = null;
        if (phase != Phase.FULL_FEATURE || session == null || session.discovery) {
            return null;
        }
        Pdu header;
        try {
            // The header alone, parsed as the PDU will be (the data is not here yet).
            Opcode opcode = Opcode.of(Bhs.opcode(bhs));
            if (opcode != Opcode.DATA_OUT && opcode != Opcode.SCSI_COMMAND) {
                return null;
            }
            header = PduCodec.decode(opcode, bhs, new byte[0], Unpooled.EMPTY_BUFFER);
        } catch (MalformedPduException e) {
            return null;
        }
        if (header instanceof DataOut d) {
            IscsiTask task = session.tasks.get(d.itt());
            if (task == null || task.state != IscsiTask.State.COLLECTING || task.prepared == null || task.out == null) {
                return null;
            }
            int off = d.bufferOffset();
            if (off < 0 || (long) off + length > task.transferLength
                    || dataOutProblem(task, d.ttt(), d.dataSn(), off, length) != null) {
                return null;
            }
            placed = task.out.retainedSlice(off, length).writerIndex(0);
            return placed;
        }
        ScsiCommand c = (ScsiCommand) header;
        if (c.write() && session.negotiated.immediateData() && length <= session.negotiated.firstBurstLength()) {
            long edtl = c.expectedDataTransferLength() & 0xffffffffL;
            if (edtl < length) {
                return null;
            }
            int capacity = (int) Math.max(length, Math.min(edtl, ADOPT_MAX));
            placed = LargeBuffers.directBuffer(ctx.alloc(), capacity);
            return placed;
        }
        return null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushIfNeeded();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connectionLost();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("connection {} failed: {}", remoteDescription(), cause.toString());
        ctx.close();
    }

    void closeFromOtherThread() {
        ChannelHandlerContext c = ctx;
        if (c != null) {
            c.channel().close();
        }
    }

    /** Asks the initiator to log out (RFC 7143 §11.9.1, AsyncEvent 1); callable from any thread. */
    void requestLogout(int seconds) {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        c.channel().eventLoop().execute(() -> {
            if (phase == Phase.FULL_FEATURE && session != null && !session.discovery) {
                send(new AsyncMessage(0, statSn++, session.expCmdSn, session.maxCmdSn(),
                        AsyncMessage.EVENT_LOGOUT_REQUESTED, 0, 0, 0, seconds, Unpooled.EMPTY_BUFFER));
                flushIfNeeded();
            }
        });
    }

    private void send(Pdu pdu) {
        ctx.write(pdu, ctx.voidPromise());
        needFlush = true;
    }

    private void flushIfNeeded() {
        if (needFlush) {
            needFlush = false;
            ctx.flush();
        }
    }

    private void closeAfterFlush() {
        needFlush = false;
        Channel ch = ctx.channel();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> linger(ch));
        // bounded even when the flush never completes (an initiator that stopped reading)
        ch.eventLoop().schedule(() -> ch.close(), LINGER_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Closes without a reset (every connection given up for what the initiator sent, or after a
     * logout, comes through here): the session ends now, the output is shut down (a FIN after our last
     * PDU), and whatever the initiator still sends is read and discarded until it closes too (the
     * timer set by closeAfterFlush closes it at the latest {@link #LINGER_SECONDS} later). Closing
     * a socket with unread input, or receiving data after closing it, makes the kernel answer with
     * RST: the initiator may then lose the Reject or response just sent (unread data is discarded
     * on reset), and its next write fails with EPIPE; libiscsi, which leaves SIGPIPE at its
     * default, dies of that.
     */
    private void linger(Channel ch) {
        if (!(ch instanceof DuplexChannel duplex) || !ch.isActive()) {
            ch.close();
            return;
        }
        connectionLost();
        if (ch.pipeline().get(DECODER) != null) {
            ch.pipeline().replace(DECODER, DECODER, new Discard());
        }
        duplex.shutdownOutput();
    }

    /** Input after the connection was given up: read and dropped. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---- login phase

    private void loginPhase(Pdu pdu) {
        if (!(pdu instanceof LoginRequest req)) {
            LOG.info("{} sent {} during login; closing (RFC 7143 §6.3)", remoteDescription(), pdu.opcode());
            phase = Phase.CLOSED;
            closeAfterFlush();
            return;
        }
        Login.Step step = login.handle(req);
        if (step.outcome() == Login.Outcome.FAILED && step.delayMillis() > 0) {
            // An authentication failure held back (progressive delay against guessing).
            phase = Phase.CLOSED;
            login.close();
            ctx.executor().schedule(() -> {
                send(step.response());
                closeAfterFlush();
            }, step.delayMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        send(step.response());
        switch (step.outcome()) {
            case FAILED -> {
                phase = Phase.CLOSED;
                login.close();
                closeAfterFlush();
            }
            case COMPLETE -> {
                login.close();
                Negotiated n = step.result().negotiated();
                statSn = step.result().nextStatSn();
                phase = Phase.FULL_FEATURE;
                flushIfNeeded();
                // The login response went out without digests; from here on both directions use
                // what was negotiated (RFC 7143 §13.1) and our declared MaxRecvDataSegmentLength.
                if (ctx.pipeline().get(DECODER) != null) {
                    ctx.pipeline().replace(DECODER, DECODER, new PduDecoder(n.targetMaxRecvDataSegmentLength(),
                            n.headerDigest(), n.dataDigest()).placement(this::place));
                    ctx.pipeline().replace(ENCODER, ENCODER, new PduEncoder(n.headerDigest(), n.dataDigest()));
                }
                LOG.info("{} session {} of {} from {} on {} logged in ({})", session.discovery ? "discovery" : "normal",
                        session.tsih, session.initiatorName(), remoteDescription(),
                        session.discovery ? portalName : session.targetName(), n.values());
            }
            default -> {
            }
        }
    }

    // ---- full feature phase

    private void invalid(InvalidPdu bad) {
        LOG.info("{}: {} (opcode 0x{})", remoteDescription(), bad.detail(), Integer.toHexString(bad.opcode()));
        if (phase == Phase.LOGIN) {
            phase = Phase.CLOSED;
            closeAfterFlush();
            return;
        }
        reject(bad.reason(), bad.header());
        int op = bad.opcode();
        boolean dataBearing = op == 0x01 || op == 0x05;
        if (bad.fatal() || bad.reason() == RejectReason.DATA_DIGEST_ERROR && dataBearing) {
            // A header digest error or an absurd length loses framing; a digest error in command
            // data cannot be recovered at ErrorRecoveryLevel 0 (RFC 7143 §7.8, §7.11).
            phase = Phase.CLOSED;
            closeAfterFlush();
        }
    }

    private void reject(int reason, byte[] header) {
        int exp = session == null ? 0 : session.expCmdSn;
        int max = session == null ? 0 : session.maxCmdSn();
        send(new Reject(reason, statSn++, exp, max, 0, Unpooled.wrappedBuffer(header.clone())));
    }

    private void protocolError(Pdu pdu, String why) {
        LOG.warn("{} session {}: {}; closing the connection (ErrorRecoveryLevel 0)", remoteDescription(),
                session == null ? 0 : session.tsih, why);
        reject(RejectReason.PROTOCOL_ERROR, pdu.header());
        phase = Phase.CLOSED;
        closeAfterFlush();
    }

    private void fullFeature(Pdu pdu) {
        switch (pdu.opcode()) {
            case DATA_OUT -> dataOut((DataOut) pdu);
            case NOP_OUT -> {
                NopOut nop = (NopOut) pdu;
                if (nop.itt() == Bhs.NO_TAG) {
                    // Answer to our NOP-In, or a ping that wants no reply (RFC 7143 §11.18).
                    return;
                }
                ordered(pdu, nop.immediate(), nop.cmdSn());
            }
            case SCSI_COMMAND -> {
                ScsiCommand c = (ScsiCommand) pdu;
                ordered(pdu, c.immediate(), c.cmdSn());
            }
            case TASK_MGMT_REQUEST -> {
                TaskMgmtRequest t = (TaskMgmtRequest) pdu;
                ordered(pdu, t.immediate(), t.cmdSn());
            }
            case TEXT_REQUEST -> {
                TextRequest t = (TextRequest) pdu;
                ordered(pdu, t.immediate(), t.cmdSn());
            }
            case LOGOUT_REQUEST -> {
                LogoutRequest l = (LogoutRequest) pdu;
                ordered(pdu, l.immediate(), l.cmdSn());
            }
            case SNACK_REQUEST -> reject(RejectReason.PROTOCOL_ERROR, pdu.header());
            default -> reject(RejectReason.PROTOCOL_ERROR, pdu.header());
        }
    }

    private void ordered(Pdu pdu, boolean immediate, int cmdSn) {
        if (immediate) {
            dispatch(pdu);
            return;
        }
        List<Pdu> ready = session.order(pdu, cmdSn);
        if (ready.isEmpty() && !session.isQueued(pdu.itt())) {
            LOG.debug("{}: CmdSN {} outside [{}, {}], dropped (RFC 7143 §4.2.2.1)", remoteDescription(), cmdSn,
                    session.expCmdSn, session.maxCmdSn());
        }
        for (int i = 0; i < ready.size(); i++) {
            Pdu p = ready.get(i);
            try {
                if (phase == Phase.FULL_FEATURE) {
                    dispatch(p);
                }
            } finally {
                p.release();
            }
        }
    }

    private void dispatch(Pdu pdu) {
        switch (pdu.opcode()) {
            case NOP_OUT -> nopOut((NopOut) pdu);
            case TEXT_REQUEST -> text((TextRequest) pdu);
            case LOGOUT_REQUEST -> logout((LogoutRequest) pdu);
            case TASK_MGMT_REQUEST -> {
                if (session.discovery) {
                    reject(RejectReason.PROTOCOL_ERROR, pdu.header());
                } else {
                    taskManagement((TaskMgmtRequest) pdu);
                }
            }
            case SCSI_COMMAND -> {
                if (session.discovery) {
                    reject(RejectReason.PROTOCOL_ERROR, pdu.header());
                } else {
                    scsiCommand((ScsiCommand) pdu);
                }
            }
            default -> reject(RejectReason.PROTOCOL_ERROR, pdu.header());
        }
    }

    private void nopOut(NopOut nop) {
        ByteBuf data = nop.data();
        int len = Math.min(data.readableBytes(), session.negotiated.initiatorMaxRecvDataSegmentLength());
        ByteBuf echo = len == 0 ? Unpooled.EMPTY_BUFFER : data.retainedSlice(data.readerIndex(), len);
        send(new NopIn(nop.lun(), nop.itt(), Bhs.NO_TAG, statSn++, session.expCmdSn, session.maxCmdSn(), echo));
    }

    // ---- Text (RFC 7143 §11.10, §11.11)

    private void text(TextRequest req) {
        if (req.ttt() != Bhs.NO_TAG && textOut != null && req.ttt() == textOutTtt && req.data().readableBytes() == 0) {
            sendTextChunk(req);
            return;
        }
        if (req.ttt() != Bhs.NO_TAG && textIn.size() == 0) {
            reject(RejectReason.INVALID_PDU_FIELD, req.header());
            return;
        }
        textOut = null;
        ByteBuf d = req.data();
        if (textIn.size() + d.readableBytes() > Login.MAX_LOGIN_TEXT) {
            textIn.reset();
            reject(RejectReason.PROTOCOL_ERROR, req.header());
            return;
        }
        byte[] chunk = new byte[d.readableBytes()];
        d.getBytes(d.readerIndex(), chunk);
        textIn.writeBytes(chunk);
        if (req.cont()) {
            textOutTtt = ttt();
            send(new TextResponse(false, false, req.lun(), req.itt(), textOutTtt, statSn++, session.expCmdSn,
                    session.maxCmdSn(), Unpooled.EMPTY_BUFFER));
            return;
        }
        List<Map.Entry<String, String>> pairs;
        try {
            pairs = TextKeys.parse(textIn.toByteArray());
        } catch (TextKeys.SyntaxException e) {
            textIn.reset();
            LOG.info("{}: bad text request: {}", remoteDescription(), e.getMessage());
            reject(RejectReason.PROTOCOL_ERROR, req.header());
            return;
        }
        textIn.reset();
        List<Map.Entry<String, String>> answer = new ArrayList<>();
        for (Map.Entry<String, String> e : pairs) {
            LoginKey key = LoginKey.byWire(e.getKey());
            if (key == LoginKey.SEND_TARGETS) {
                answer.addAll(SendTargets.answer(e.getValue(), fabric.registry(), fabric.portals().endpoints(),
                        session.discovery ? null : session.target, session.initiatorName(), remote.getAddress(),
                        local.getAddress()));
            } else if (key == null) {
                answer.add(Map.entry(e.getKey(), "NotUnderstood"));
            } else {
                // Renegotiation in the Full Feature Phase is not offered (RFC 7143 §6.2).
                answer.add(Map.entry(e.getKey(), "Reject"));
            }
        }
        textOut = TextKeys.encode(answer);
        textOutOffset = 0;
        sendTextChunk(req);
    }

    private void sendTextChunk(TextRequest req) {
        int max = session.negotiated.initiatorMaxRecvDataSegmentLength();
        int len = Math.min(max, textOut.length - textOutOffset);
        ByteBuf data = len == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(textOut, textOutOffset, len);
        textOutOffset += len;
        boolean more = textOutOffset < textOut.length;
        int ttt = more ? ttt() : Bhs.NO_TAG;
        textOutTtt = ttt;
        if (!more) {
            textOut = null;
        }
        send(new TextResponse(!more, more, req.lun(), req.itt(), ttt, statSn++, session.expCmdSn, session.maxCmdSn(),
                data));
    }

    private int ttt() {
        int t = nextTtt++;
        if (nextTtt == Bhs.NO_TAG || nextTtt == 0) {
            nextTtt = 1;
        }
        return t;
    }

    // ---- Logout (RFC 7143 §11.14, §11.15)

    private void logout(LogoutRequest req) {
        int response;
        switch (req.reason()) {
            case LogoutRequest.CLOSE_SESSION -> response = LogoutResponse.SUCCESS;
            case LogoutRequest.CLOSE_CONNECTION -> response = req.cid() == session.cid ? LogoutResponse.SUCCESS
                    : LogoutResponse.CID_NOT_FOUND;
            case LogoutRequest.REMOVE_FOR_RECOVERY -> response = LogoutResponse.RECOVERY_NOT_SUPPORTED;
            default -> {
                reject(RejectReason.INVALID_PDU_FIELD, req.header());
                return;
            }
        }
        send(new LogoutResponse(response, req.itt(), statSn++, session.expCmdSn, session.maxCmdSn(), 0, 0));
        if (response == LogoutResponse.SUCCESS) {
            LOG.info("session {} of {} logged out", session.tsih, session.initiatorName());
            phase = Phase.LOGGED_OUT;
            closeAfterFlush();
        }
    }

    // ---- Task management (RFC 7143 §11.5)

    private void taskManagement(TaskMgmtRequest req) {
        int response;
        switch (req.function()) {
            case TaskMgmtRequest.ABORT_TASK -> response = abortTask(req);
            case TaskMgmtRequest.ABORT_TASK_SET -> {
                abortWhere(t -> t.lunField == req.lun() && (t.immediate || t.cmdSn - req.cmdSn() < 0));
                response = TaskMgmtResponse.FUNCTION_COMPLETE;
            }
            case TaskMgmtRequest.LOGICAL_UNIT_RESET -> {
                int lun = lunNumber(req.lun());
                abortWhere(t -> t.lunField == req.lun());
                response = session.nexus.logicalUnitReset(lun) ? TaskMgmtResponse.FUNCTION_COMPLETE
                        : TaskMgmtResponse.LUN_DOES_NOT_EXIST;
            }
            case TaskMgmtRequest.TASK_REASSIGN -> response = TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED;
            default -> response = TaskMgmtResponse.NOT_SUPPORTED;
        }
        send(new TaskMgmtResponse(response, req.itt(), statSn++, session.expCmdSn, session.maxCmdSn()));
    }

    private int abortTask(TaskMgmtRequest req) {
        IscsiTask t = session.tasks.get(req.referencedTaskTag());
        if (t != null && t.lunField == req.lun()) {
            abort(t);
            return TaskMgmtResponse.FUNCTION_COMPLETE;
        }
        if (session.dropQueued(req.referencedTaskTag())) {
            return TaskMgmtResponse.FUNCTION_COMPLETE;
        }
        // RFC 7143 §11.5.1: a RefCmdSN inside the window and before the TMF is treated as received.
        if (req.refCmdSn() - session.expCmdSn >= 0 && req.refCmdSn() - req.cmdSn() < 0
                && session.inWindow(req.refCmdSn())) {
            session.skip(req.refCmdSn());
            return TaskMgmtResponse.FUNCTION_COMPLETE;
        }
        return TaskMgmtResponse.TASK_DOES_NOT_EXIST;
    }

    private void abortWhere(java.util.function.Predicate<IscsiTask> which) {
        for (IscsiTask t : new ArrayList<>(session.tasks.values())) {
            if (which.test(t)) {
                abort(t);
            }
        }
    }

    /**
     * Aborts a task: one still in its data phase is abandoned at once; one executing completes in
     * the device and its response is suppressed (RFC 7143 §4.2.3.4 "no further responses").
     */
    private void abort(IscsiTask t) {
        t.aborted = true;
        if (t.state == IscsiTask.State.COLLECTING) {
            t.prepared.abandon();
            finish(t);
        }
    }

    // ---- SCSI commands (RFC 7143 §11.3)

    static int lunNumber(long lunField) {
        // SAM-5 §4.7: single level LUN, peripheral (00b) or flat space (01b) addressing.
        int b0 = (int) (lunField >>> 56) & 0xff;
        int b1 = (int) (lunField >>> 48) & 0xff;
        return (b0 & 0x3f) << 8 | b1;
    }

    private void scsiCommand(ScsiCommand cmd) {
        if (session.tasks.containsKey(cmd.itt())) {
            reject(RejectReason.TASK_IN_PROGRESS, cmd.header());
            return;
        }
        Negotiated n = session.negotiated;
        int immediateLength = cmd.data().readableBytes();
        int edtl = cmd.expectedDataTransferLength();
        if (edtl < 0) {
            reject(RejectReason.INVALID_PDU_FIELD, cmd.header());
            return;
        }
        if (immediateLength > 0 && (!n.immediateData() || !cmd.write() || immediateLength > edtl
                || immediateLength > n.firstBurstLength())) {
            protocolError(cmd, "immediate data of " + immediateLength + " bytes not allowed (ImmediateData="
                    + n.immediateData() + ", W=" + cmd.write() + ", EDTL=" + edtl + ", FirstBurstLength="
                    + n.firstBurstLength() + ")");
            return;
        }
        if (!cmd.finalFlag() && (n.initialR2t() || !cmd.write())) {
            protocolError(cmd, "unsolicited Data-Out announced (F=0) with InitialR2T=Yes or without W");
            return;
        }
        List<DataOut> early2 = session.pendingData.remove(cmd.itt());
        try {
            startCommand(cmd, immediateLength, edtl, early2);
        } finally {
            if (early2 != null) {
                early2.forEach(DataOut::release);
            }
        }
    }

    private void startCommand(ScsiCommand cmd, int immediateLength, int edtl, List<DataOut> early2) {
        Negotiated n = session.negotiated;
        IscsiTask task = new IscsiTask(session, ctx.alloc(), cmd.itt(), cmd.cmdSn(), cmd.immediate(), cmd.lun(),
                lunNumber(cmd.lun()), new Cdb(cmd.cdb()), TaskAttribute.fromIscsi(cmd.attribute()), edtl);
        session.taskStarted(task);
        if (cmd.read() && cmd.write()) {
            // Bidirectional commands (RFC 7143 §11.3.6) are not implemented: fail the command.
            respond(task, Sense.checkCondition(SenseReason.INVALID_FIELD_IN_COMMAND_INFORMATION_UNIT), 0);
            return;
        }
        PreparedCommand prepared;
        try {
            prepared = session.nexus.prepare(task);
        } catch (RuntimeException e) {
            LOG.warn("prepare failed for CDB {}", task.cdb(), e);
            respond(task, Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE), 0);
            return;
        }
        task.prepared = prepared;
        ScsiResult early = prepared.immediateResult();
        if (early != null) {
            // Any immediate or unsolicited data is discarded (Data-Out for ended tasks is ignored).
            respond(task, early, 0);
            return;
        }
        if (prepared.direction() != DataDirection.OUT) {
            execute(task);
            return;
        }
        int length = prepared.transferLength();
        // Overflow (EDTL shorter than the CDB asks, RFC 7143 §11.4.5.1): collect and hand over only
        // the EDTL bytes; the device stores what is whole and the response carries the O bit and
        // the residual (what Debian's libiscsi Write*Residuals tests expect).
        task.transferLength = Math.min(length, edtl);
        task.unsolicitedLimit = n.initialR2t() ? immediateLength : Math.min(n.firstBurstLength(), edtl);
        ByteBuf immediate = cmd.data();
        if (immediateLength > 0 && immediate == placedNow && immediate.capacity() >= task.transferLength) {
            // The immediate data was received into a buffer sized for the whole transfer: keep it.
            task.out = immediate.retain();
            task.accept(0, immediate, true);
        } else {
            task.out = LargeBuffers.directBuffer(ctx.alloc(), Math.max(task.transferLength, 1));
            if (immediateLength > 0) {
                task.accept(0, immediate, false);
            }
        }
        task.unsolicitedNext = immediateLength;
        task.unsolicitedDone = cmd.finalFlag();
        if (task.unsolicitedDone) {
            task.nextR2tOffset = Math.min(immediateLength, task.transferLength);
        }
        if (early2 != null) {
            for (DataOut d : early2) {
                if (phase == Phase.FULL_FEATURE && session.tasks.get(cmd.itt()) == task) {
                    dataOutFor(task, d);
                }
            }
            if (session.tasks.get(cmd.itt()) != task || phase != Phase.FULL_FEATURE) {
                return;
            }
        }
        progress(task);
    }

    /** Sends R2Ts while allowed and starts the command once all data is in (RFC 7143 §4.2.5.2). */
    private void progress(IscsiTask task) {
        if (task.state != IscsiTask.State.COLLECTING) {
            return;
        }
        Negotiated n = session.negotiated;
        if (task.unsolicitedDone) {
            while (task.bursts.size() < n.maxOutstandingR2t() && task.nextR2tOffset < task.transferLength) {
                int len = Math.min(n.maxBurstLength(), task.transferLength - task.nextR2tOffset);
                int ttt = ttt();
                IscsiTask.Burst b = new IscsiTask.Burst(task.r2tSn++, task.nextR2tOffset, len);
                task.bursts.put(ttt, b);
                task.nextR2tOffset += len;
                send(new R2t(task.lunField, task.itt, ttt, statSn, session.expCmdSn, session.maxCmdSn(), b.r2tSn,
                        b.offset, b.length));
            }
        }
        if (task.dataComplete()) {
            execute(task);
        }
    }

    private void dataOut(DataOut d) {
        IscsiTask task = session.tasks.get(d.itt());
        if (task == null) {
            if (session.isQueued(d.itt())) {
                List<DataOut> l = session.pendingData.computeIfAbsent(d.itt(), k -> new ArrayList<>());
                long bytes = l.stream().mapToLong(x -> x.data().readableBytes()).sum() + d.data().readableBytes();
                if (bytes > session.negotiated.firstBurstLength()) {
                    protocolError(d, "unsolicited data beyond FirstBurstLength for a queued command");
                    return;
                }
                l.add((DataOut) d.retain());
                return;
            }
            // Data for a task that already ended (error answered at once, aborted): ignore.
            LOG.debug("{}: Data-Out for unknown ITT 0x{} ignored", remoteDescription(), Integer.toHexString(d.itt()));
            return;
        }
        if (task.state != IscsiTask.State.COLLECTING || task.prepared == null || task.out == null) {
            LOG.debug("{}: Data-Out for ITT 0x{} outside its data phase ignored", remoteDescription(),
                    Integer.toHexString(d.itt()));
            return;
        }
        dataOutFor(task, d);
        if (phase == Phase.FULL_FEATURE && session.tasks.get(task.itt) == task) {
            progress(task);
        }
    }

    /** Validates and stores one Data-Out PDU (RFC 7143 §11.7, DataPDUInOrder=Yes). */
    private void dataOutFor(IscsiTask task, DataOut d) {
        int len = d.data().readableBytes();
        int off = d.bufferOffset();
        String problem = dataOutProblem(task, d.ttt(), d.dataSn(), off, len);
        if (problem != null) {
            protocolError(d, problem);
            return;
        }
        task.accept(off, d.data(), d.data() == placedNow);
        if (d.ttt() == Bhs.NO_TAG) {
            task.unsolicitedDataSn++;
            task.unsolicitedNext += len;
            if (d.finalFlag()) {
                task.unsolicitedDone = true;
                task.nextR2tOffset = Math.min(task.unsolicitedNext, task.transferLength);
            }
            return;
        }
        IscsiTask.Burst b = task.bursts.get(d.ttt());
        b.dataSn++;
        b.next += len;
        boolean end = b.next == b.offset + b.length;
        if (d.finalFlag() != end) {
            protocolError(d, "F bit " + d.finalFlag() + " at offset " + b.next + " of a burst ending at "
                    + (b.offset + b.length));
            return;
        }
        if (end) {
            task.bursts.remove(d.ttt());
        }
    }

    /**
     * Checks a Data-Out against the task's unsolicited burst (TTT 0xffffffff) or the R2T it answers
     * (RFC 7143 §11.7, DataPDUInOrder=Yes); shared by {@link #place(byte[], int)} and {@link #dataOutFor}.
     *
     * @return what is wrong, or null when the PDU is the next one expected
     */
    private static String dataOutProblem(IscsiTask task, int ttt, int dataSn, int off, int len) {
        if (ttt == Bhs.NO_TAG) {
            if (task.unsolicitedDone) {
                return "unsolicited Data-Out after the unsolicited burst ended";
            }
            if (dataSn != task.unsolicitedDataSn || off != task.unsolicitedNext
                    || (long) off + len > task.unsolicitedLimit) {
                return "unsolicited Data-Out DataSN " + dataSn + " offset " + off + " length " + len
                        + " (expected DataSN " + task.unsolicitedDataSn + " offset " + task.unsolicitedNext
                        + ", limit " + task.unsolicitedLimit + ")";
            }
            return null;
        }
        IscsiTask.Burst b = task.bursts.get(ttt);
        if (b == null) {
            return "Data-Out with unknown Target Transfer Tag 0x" + Integer.toHexString(ttt);
        }
        if (dataSn != b.dataSn || off != b.next || (long) off + len > b.offset + b.length) {
            return "solicited Data-Out DataSN " + dataSn + " offset " + off + " length " + len
                    + " (expected DataSN " + b.dataSn + " offset " + b.next + ", burst ends at "
                    + (b.offset + b.length) + ")";
        }
        return null;
    }

    private void execute(IscsiTask task) {
        task.state = IscsiTask.State.EXECUTING;
        executing++;
        CompletionStage<ScsiResult> stage;
        try {
            stage = task.prepared.execute();
        } catch (RuntimeException e) {
            LOG.warn("execute failed for CDB {}", task.cdb(), e);
            completed(task, Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE), null);
            return;
        }
        stage.whenComplete((result, error) -> {
            if (ctx.executor().inEventLoop()) {
                completed(task, result, error);
            } else {
                ctx.executor().execute(() -> completed(task, result, error));
            }
        });
    }

    private void completed(IscsiTask task, ScsiResult result, Throwable error) {
        executing--;
        if (error != null || result == null) {
            LOG.warn("command {} failed unexpectedly", task.cdb(), error);
            result = Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE);
        }
        if (phase == Phase.CLOSED || phase == Phase.LOGGED_OUT || task.aborted) {
            finish(task);
            closeNexusWhenIdle();
            return;
        }
        respond(task, result, result.dataInLength());
        flushSoon();
    }

    /**
     * Flushes after the event loop's tasks already queued, so that completions arriving together
     * (several commands finishing on the store's threads at once) leave in one write, not one
     * each; during a read, channelReadComplete flushes first and the task finds nothing to do.
     */
    private void flushSoon() {
        if (!needFlush || flushQueued) {
            return;
        }
        flushQueued = true;
        ctx.executor().execute(() -> {
            flushQueued = false;
            flushIfNeeded();
        });
    }

    /**
     * Sends Data-In (split at the initiator's MaxRecvDataSegmentLength, F at each MaxBurstLength
     * sequence end) and the status, phase-collapsed into the last Data-In when GOOD without sense
     * (RFC 7143 §11.7.4), with residuals (§11.4.5).
     */
    private void respond(IscsiTask task, ScsiResult result, int dataInLength) {
        Negotiated n = session.negotiated;
        int edtl = task.edtl;
        ByteBuf in = task.dataInBuffer();
        int produced = in == null ? 0 : Math.min(Math.max(dataInLength, 0), in.capacity());
        boolean isIn = task.prepared != null && task.prepared.direction() == DataDirection.IN;
        int residual = 0;
        boolean overflow = false;
        boolean underflow = false;
        int moved;
        if (isIn) {
            moved = Math.min(produced, edtl);
            if (produced > edtl) {
                overflow = true;
                residual = produced - edtl;
            } else if (edtl > produced) {
                underflow = true;
                residual = edtl - produced;
            }
        } else if (task.prepared != null && task.prepared.direction() == DataDirection.OUT) {
            moved = 0;
            int length = task.prepared.transferLength();
            if (edtl < length) {
                overflow = true;
                residual = length - edtl;
            } else if (edtl > length) {
                underflow = true;
                residual = edtl - length;
            }
        } else {
            moved = 0;
            if (edtl > 0) {
                underflow = true;
                residual = edtl;
            }
        }
        boolean collapse = moved > 0 && result.status() == ScsiStatus.GOOD && result.sense().length == 0;
        int seg = n.initiatorMaxRecvDataSegmentLength();
        int burst = n.maxBurstLength();
        int offset = 0;
        int dataSn = 0;
        while (offset < moved) {
            int inBurst = burst - offset % burst;
            int len = Math.min(Math.min(seg, moved - offset), inBurst);
            boolean last = offset + len == moved;
            boolean burstEnd = last || len == inBurst;
            boolean status = last && collapse;
            send(new DataIn(burstEnd, false, status && overflow, status && underflow, status,
                    status ? result.status() : 0, task.lunField, task.itt, Bhs.NO_TAG, status ? statSn++ : statSn,
                    session.expCmdSn, session.maxCmdSnAfter(task), dataSn++, offset, status ? residual : 0,
                    in.retainedSlice(offset, len)));
            offset += len;
        }
        task.dataInPdus = dataSn;
        if (!collapse) {
            int expDataSn = isIn ? dataSn : task.r2tSn;
            send(new ScsiResponse(false, false, overflow, underflow, ScsiResponse.COMPLETED_AT_TARGET,
                    result.status(), task.itt, 0, statSn++, session.expCmdSn, session.maxCmdSnAfter(task), expDataSn,
                    0, residual, Sense.segment(result.sense())));
        }
        finish(task);
    }

    private void finish(IscsiTask task) {
        task.state = IscsiTask.State.DONE;
        task.releaseBuffers();
        session.taskEnded(task);
    }

    // ---- connection loss

    private void connectionLost() {
        Phase was = phase;
        login.close();
        phase = Phase.CLOSED;
        if (session == null || lost) {
            return;
        }
        lost = true;
        fabric.remove(session);
        session.releaseQueues();
        for (IscsiTask t : new ArrayList<>(session.tasks.values())) {
            if (t.state == IscsiTask.State.COLLECTING) {
                if (t.prepared != null) {
                    t.prepared.abandon();
                }
                finish(t);
            }
        }
        if (was != Phase.LOGGED_OUT) {
            LOG.info("connection {} of session {} ({}) closed", remoteDescription(), session.tsih,
                    session.initiatorName());
        }
        closeNexusWhenIdle();
    }

    private void closeNexusWhenIdle() {
        if (phase == Phase.CLOSED && executing == 0 && session != null && session.nexus != null) {
            session.nexus.close();
        }
    }
}
