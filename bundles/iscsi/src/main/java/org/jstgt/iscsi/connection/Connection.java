package org.jstgt.iscsi.connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;

import org.jstgt.api.mgmt.ConnectionInfo;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.flow.ReadThrottle;
import org.jstgt.iscsi.events.SessionEvents;
import org.jstgt.iscsi.limits.FloodLog;
import org.jstgt.iscsi.limits.Permit;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.log.LogSafe;
import org.jstgt.iscsi.log.SessionMdc;
import org.jstgt.iscsi.login.LoginHandler;
import org.jstgt.iscsi.login.LoginHost;
import org.jstgt.iscsi.login.LoginResult;
import org.jstgt.iscsi.login.Negotiated;
import org.jstgt.iscsi.pdu.Bhs;
import org.jstgt.iscsi.pdu.Pdu;
import org.jstgt.iscsi.pdu.PduDecoder;
import org.jstgt.iscsi.pdu.PduEncoder;
import org.jstgt.iscsi.pdu.Reject;
import org.jstgt.iscsi.pdu.RejectReason;
import org.jstgt.iscsi.recovery.Retention;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.session.SessionTable;
import org.jstgt.iscsi.text.SendTargets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection (RFC 7143 §4.2): its phase, StatSN and transfer tags, writes with one flush
 * per socket read (or per batch of completions), and its close ({@link LingeringClose}). The
 * pipeline is decoder, encoder, {@link ReadThrottle} and one handler: a {@link LoginHandler},
 * which the {@link FullFeatureHandler} replaces when the login succeeds ({@link FullFeaturePipeline}).
 * Logs in on the channel's event loop, then serves on its session's (the same one but for a
 * connection that joined a session from another loop); {@link #requestLogout}, {@link #drop} and
 * {@link #close} may be called from any thread.
 */
public final class Connection implements ConnectionPort, LoginHost {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** Pipeline name of the PDU decoder. */
    public static final String DECODER = "pdu-decoder";
    /** Pipeline name of the PDU encoder. */
    public static final String ENCODER = "pdu-encoder";
    /** Pipeline name of the {@link ReadThrottle} (between decoder and handler). */
    public static final String THROTTLE = "read-throttle";
    /** Pipeline name of the login, then full feature, handler. */
    public static final String HANDLER = "iscsi";
    /** Longest wait for the initiator to close after we gave a connection up ({@link LingeringClose}). */
    static final int LINGER_SECONDS = 2;
    private static final AttributeKey<Connection> KEY = AttributeKey.valueOf(Connection.class, "connection");

    private enum Phase { LOGIN, FULL_FEATURE, LOGGED_OUT, CLOSED }

    private final Fabric fabric;
    private final String portalName;
    private final int portalTag;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final String remoteDescription;
    private final PortalLimits limits;
    private final Permit permit;

    /** The serving handler's context: the login handler's, then (on the session's loop) the full feature one's. */
    private volatile ChannelHandlerContext ctx;
    /** Batches of PDUs for the channel's loop, when the session's loop is another one; else null. */
    private Outbox outbox;
    /** Set once the full feature handler serves the connection (its context is {@link #ctx}). */
    private volatile boolean serving;
    private Phase phase = Phase.LOGIN;
    /** lost() ran (at the start of a lingering close, or when the channel closed). */
    private boolean lost;
    private volatile Session session;
    /** The session a login with a TSIH joins (RFC 7143 §6.3.1), from before it is admitted. */
    private Session joining;
    /** Set once the session's thread added the connection (or refused it). */
    private volatile SessionTable.Admission joined;
    private Negotiated negotiated = Negotiated.defaults();
    /** Set before the connection joins its session (read on the session's loop by CID lookups). */
    private volatile int cid;
    private FullFeatureHandler fullFeature;
    /** A Logout removed it for recovery (reason 2, ErrorRecoveryLevel 2): its tasks wait for reassignment. */
    private boolean removedForRecovery;
    /** What is kept for SNACKs at ErrorRecoveryLevel 1; null at level 0. */
    private Retention retention;
    private int statSn;
    private int nextTtt = 1;
    private boolean needFlush;
    private boolean flushQueued;
    /** What its log lines carry in the MDC: the portal and peer, then the session's names. */
    private volatile SessionMdc.Context mdc;

    private Connection(Fabric fabric, String portalName, int portalTag, InetSocketAddress local,
            InetSocketAddress remote, PortalLimits limits, Permit permit) {
        this.fabric = fabric;
        this.limits = limits;
        this.permit = permit;
        this.portalName = portalName;
        this.portalTag = portalTag;
        this.local = local;
        this.remote = remote;
        this.remoteDescription = SendTargets.format(remote.getAddress(), remote.getPort());
        this.mdc = SessionMdc.Context.connection(portalName, remoteDescription);
    }

    /**
     * Sets up a new connection's pipeline for its login.
     *
     * @param channel the accepted channel
     * @param fabric shared state
     * @param portalName the portal's configuration name
     * @param portalTag its target portal group tag
     * @param local local address of the connection
     * @param remote the initiator's address
     * @return the connection
     */
    public static Connection open(Channel channel, Fabric fabric, String portalName, int portalTag,
            InetSocketAddress local, InetSocketAddress remote) {
        return open(channel, fabric, portalName, portalTag, local, remote, PortalLimits.DEFAULTS, Permit.UNLIMITED);
    }

    /**
     * Sets up a new connection's pipeline for its login, under its portal's limits.
     *
     * @param channel the accepted channel
     * @param fabric shared state
     * @param portalName the portal's configuration name
     * @param portalTag its target portal group tag
     * @param local local address of the connection
     * @param remote the initiator's address
     * @param limits the portal's limits (login timeout, text size, idle probing)
     * @param permit the connection's admitted place under them; its login place is freed when the
     *     Full Feature Phase starts (the caller releases the permit when the channel closes)
     * @return the connection
     */
    public static Connection open(Channel channel, Fabric fabric, String portalName, int portalTag,
            InetSocketAddress local, InetSocketAddress remote, PortalLimits limits, Permit permit) {
        Connection c = new Connection(fabric, portalName, portalTag, local, remote, limits, permit);
        channel.attr(KEY).set(c);
        ChannelPipeline p = channel.pipeline();
        p.addLast(MdcHandler.NAME, MdcHandler.INSTANCE);
        p.addLast(DECODER, PduDecoder.forLogin());
        p.addLast(ENCODER, new PduEncoder(false, false));
        p.addLast(THROTTLE, new ReadThrottle());
        p.addLast(HANDLER, new LoginHandler(c));
        return c;
    }

    /**
     * @param channel a channel
     * @return the connection it carries, or null
     */
    public static Connection of(Channel channel) {
        return channel.attr(KEY).get();
    }

    /** @return the configuration name of the portal the connection came in on */
    @Override
    public String portalName() {
        return portalName;
    }

    @Override
    public PortalLimits limits() {
        return limits;
    }

    @Override
    public FloodLog<String> loginRefusals() {
        return fabric.loginRefusals();
    }

    @Override
    public TargetRegistry registry() {
        return fabric.registry();
    }

    @Override
    public Authenticators authenticators() {
        return fabric.authenticators();
    }

    @Override
    public DiscoveryPolicy discoveryPolicy() {
        return fabric.discoveryPolicy();
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
        return fabric.sessions().checkExistingSession(tsih, isid, initiatorName);
    }

    @Override
    public CompletionStage<Void> beforeAdmission(LoginResult r) {
        if (r.tsih() == 0) {
            return fabric.sessions().endOlderSession(r, portalTag);
        }
        joining = fabric.sessions().session(r.tsih());
        cid = r.cid(); // before the session's loop can find the connection by CID
        return fabric.sessions().join(r, this, portalTag).thenAccept(a -> joined = a);
    }

    @Override
    public LoginHost.Admission admit(LoginResult r) {
        SessionTable.Admission a = r.tsih() == 0 ? fabric.sessions().admit(r, this, portalName, portalTag) : joined;
        if (a.session() == null) {
            return a.answer();
        }
        session = a.session();
        cid = r.cid();
        mdc = mdc.session(session.targetName(), session.initiatorName(), session.isid(), session.tsih());
        // a joining connection has its own digests and segment lengths, the rest is the session's
        negotiated = r.tsih() == 0 ? r.negotiated() : session.negotiated().forConnection(r.negotiated());
        return a.answer();
    }

    @Override
    public void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.handler() instanceof FullFeatureHandler) {
            if (!ctx.executor().equals(ctx.channel().eventLoop())) {
                outbox = new Outbox(ctx); // a connection served on its session's loop, not its own
            }
            serving = true;
        }
    }

    @Override
    public void flush() {
        if (needFlush) {
            needFlush = false;
            if (outbox != null) {
                outbox.flush();
            } else {
                ctx.flush();
            }
        }
    }

    @Override
    public void giveUp() {
        phase = Phase.CLOSED;
        closeAfterFlush();
    }

    @Override
    public void enterFullFeature(ChannelHandlerContext ctx, ChannelHandler loginHandler, LoginResult result) {
        statSn = result.nextStatSn();
        if (negotiated.errorRecoveryLevel() >= 1) {
            retention = new Retention(statSn);
        }
        phase = Phase.FULL_FEATURE;
        permit.loginEnded();
        flush();
        Negotiated n = result.negotiated();
        fullFeature = new FullFeatureHandler(this, session, fabric.sessions(), fabric.registrySupplier(), fabric.portals());
        FullFeaturePipeline.install(ctx, loginHandler, fullFeature, this, session, limits, n);
        LOG.info("{} session {} of {} from {} on {} logged in{} ({})", result.tsih() != 0
                ? "connection CID " + cid + " joined" : session.discovery() ? "discovery" : "normal",
                session.tsih(), LogSafe.of(session.initiatorName()), remoteDescription,
                session.discovery() ? portalName : session.targetName(),
                result.authenticated().isEmpty() ? "" : " with " + LogSafe.of(result.authenticated()),
                LogSafe.of(negotiated.values().toString(), LogSafe.MESSAGE));
        SessionEvents.login(mdc, cid, session.discovery());
    }

    // ---- ConnectionPort

    @Override
    public SessionMdc.Context mdc() {
        return mdc;
    }

    @Override
    public int cid() {
        return cid;
    }

    @Override
    public Negotiated negotiated() {
        return negotiated;
    }

    @Override
    public String remoteDescription() {
        return remoteDescription;
    }

    @Override
    public InetAddress remoteAddress() {
        return remote.getAddress();
    }

    @Override
    public InetAddress localAddress() {
        return local.getAddress();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public EventExecutor executor() {
        return ctx.executor();
    }

    @Override
    public boolean open() {
        ChannelHandlerContext c = ctx;
        return c != null && c.channel().isActive();
    }

    @Override
    public boolean writable() {
        ChannelHandlerContext c = ctx;
        return c != null && c.channel().isWritable();
    }

    @Override
    public boolean fullFeature() {
        // serving: the full feature handler is in place (for a joined connection, on the session's loop)
        return phase == Phase.FULL_FEATURE && serving;
    }

    @Override
    public void send(Pdu pdu) {
        send(pdu, null);
    }

    /** @param left null when nobody waits for the PDU to leave (no promise then) */
    @Override
    public void send(Pdu pdu, Runnable left) {
        if (retention != null) {
            retention.sent(pdu);
        }
        if (outbox != null) {
            outbox.add(pdu, left);
        } else {
            ctx.write(pdu, left == null ? ctx.voidPromise() : Outbox.then(ctx, left));
        }
        needFlush = true;
    }

    @Override
    public int nextStatSn() {
        return statSn++;
    }

    @Override
    public int statSn() {
        return statSn;
    }

    @Override
    public int newTargetTransferTag() {
        int t = nextTtt++;
        if (nextTtt == Bhs.NO_TAG || nextTtt == 0) {
            nextTtt = 1;
        }
        return t;
    }

    /**
     * Flushes after the event loop's tasks already queued, so that completions arriving together
     * (several commands finishing on the store's threads at once) leave in one write, not one
     * each; during a read, channelReadComplete flushes first and the task finds nothing to do.
     */
    @Override
    public void flushSoon() {
        if (!needFlush || flushQueued) {
            return;
        }
        flushQueued = true;
        ctx.executor().execute(() -> {
            flushQueued = false;
            flush();
        });
    }

    @Override
    public void reject(int reason, byte[] header, int dataSn) {
        int exp = session == null ? 0 : session.window().expCmdSn();
        int max = session == null ? 0 : session.window().maxCmdSn();
        send(new Reject(reason, statSn++, exp, max, dataSn, Unpooled.wrappedBuffer(header.clone())));
    }

    @Override
    public Retention retention() {
        return retention;
    }

    @Override
    public void protocolError(Pdu pdu, String why) {
        LOG.warn("{} session {}: {}; closing the connection (ErrorRecoveryLevel 0)", remoteDescription,
                session == null ? 0 : session.tsih(), LogSafe.of(why, LogSafe.MESSAGE));
        reject(RejectReason.PROTOCOL_ERROR, pdu.header());
        giveUp();
    }

    @Override
    public void removedForRecovery() {
        removedForRecovery = true;
        loggedOut();
    }

    @Override
    public void loggedOut() {
        phase = Phase.LOGGED_OUT;
        closeAfterFlush();
    }

    @Override
    public void loggingOut() {
        if (phase == Phase.FULL_FEATURE) {
            phase = Phase.LOGGED_OUT;
        }
    }

    @Override
    public void requestLogout(int seconds) {
        Session s = session;
        if (s != null) {
            Notices.requestLogout(this, s, seconds);
        }
    }

    @Override
    public void drop() {
        Session s = session;
        if (s == null) {
            close();
        } else {
            Notices.drop(this, s);
        }
    }

    @Override
    public void closeWhenSent() {
        if (ctx != null && phase != Phase.CLOSED) {
            closeAfterFlush();
        }
    }

    @Override
    public void close() {
        ChannelHandlerContext c = ctx;
        if (c != null) {
            c.channel().close();
        }
    }

    @Override
    public ConnectionInfo info() {
        Negotiated n = negotiated;
        return new ConnectionInfo(cid, SendTargets.format(local.getAddress(), local.getPort()), remoteDescription,
                phase.name(), n.headerDigest() ? "CRC32C" : "None", n.dataDigest() ? "CRC32C" : "None",
                n.targetMaxRecvDataSegmentLength(), n.initiatorMaxRecvDataSegmentLength(), statSn & 0xffffffffL);
    }

    @Override
    public void deliver(Pdu pdu) {
        fullFeature.dispatch(pdu);
    }

    private void closeAfterFlush() {
        needFlush = false;
        if (outbox != null) {
            outbox.flush(); // queued before the close below, on the same loop
        }
        Channel ch = ctx.channel();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> LingeringClose.start(ch, this::lost));
        // bounded even when the flush never completes (an initiator that stopped reading)
        ch.eventLoop().schedule(() -> ch.close(), LINGER_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * The connection is gone (or given up): its tasks still collecting data are abandoned, and
     * when it was the session's last connection the session ends.
     */
    @Override
    public void lost() {
        Session s = session != null ? session : joining;
        if (s != null && s.loop() != null && !s.loop().inEventLoop() && s.onLoop(this::lost)) {
            return; // the session's state is touched on its own loop only
        }
        Phase was = phase;
        phase = Phase.CLOSED;
        if (s == null || lost) {
            return;
        }
        lost = true;
        if (outbox != null) {
            outbox.discard();
        }
        // a failure (not a logout, or a logout to remove it for recovery) keeps its tasks at ErrorRecoveryLevel 2
        boolean failed = was != Phase.LOGGED_OUT || removedForRecovery;
        boolean over = s.connectionLost(this, failed);
        if (retention != null) {
            retention.clear();
        }
        if (over) {
            fabric.sessions().remove(s);
            s.end();
        }
        if (was != Phase.LOGGED_OUT && session != null) {
            LOG.info("connection {} of session {} ({}) closed{}", remoteDescription, s.tsih(),
                    LogSafe.of(s.initiatorName()), s.ended() ? "" : "; the session goes on with "
                            + s.connections().size() + " connection(s)");
        }
    }
}
