package org.jstgt.iscsi;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.jstgt.api.Pids;
import org.jstgt.api.auth.Authenticator;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.SessionDetail;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.iscsi.admin.SessionControl;
import org.jstgt.iscsi.connection.Connection;
import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.connection.LoginRefusal;
import org.jstgt.iscsi.flow.FlowSettings;
import org.jstgt.iscsi.limits.Admission;
import org.jstgt.iscsi.limits.ConnectionLimiter;
import org.jstgt.iscsi.limits.Permit;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.pdu.DirectReceive;
import org.jstgt.iscsi.security.Authenticators;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;
import org.jstgt.iscsi.text.PortalDirectory;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.iscsi.text.SendTargets;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared iSCSI server: owns the event loop groups, the session table and the portals'
 * server channels. The target registry is referenced dynamically, so updating the SCSI core
 * does not restart the fabric; while it is absent logins get 0x0301 (service unavailable).
 *
 * <p>Its configuration is the discovery policy ({@link Pids#DISCOVERY}, optional, see
 * {@link DiscoveryPolicy}): in force before any portal opens, and changed in place, so that a
 * change reaches the next discovery login and no session ends for it.
 */
@Component(service = {IscsiServer.class, ManagementView.class}, immediate = true,
        configurationPid = Pids.DISCOVERY, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class IscsiServer implements ManagementView, PortalDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiServer.class);
    /** Seconds an initiator gets to log out when the target shuts down (AsyncEvent 1). */
    static final int LOGOUT_GRACE_SECONDS = 2;

    private volatile TargetRegistry registry;

    private final Transport transport;
    private final Authenticators authenticators = new Authenticators();
    private final Fabric fabric;
    private final SessionControl control;
    private final List<Portal> portals = new CopyOnWriteArrayList<>();
    /** Serializes what the registry is told of the portal groups. */
    private final Object publishing = new Object();
    /** What the registry was last told of the portals' groups (ALUA). */
    private volatile List<PortalGroup> groups = List.of();
    /** Open connections (package-visible for tests). */
    final ChannelGroup connections = new DefaultChannelGroup("iscsi", GlobalEventExecutor.INSTANCE);

    /**
     * @param discovery the {@link Pids#DISCOVERY} configuration, if any (and the component's properties)
     * @param settings the fabric's settings ({@link IscsiSettings#PID}): the transport
     */
    @Activate
    public IscsiServer(Map<String, Object> discovery, @Reference IscsiSettings settings) {
        this(Transport.create(settings.transport(), settings.pollWindow()));
        modified(discovery);
    }

    private IscsiServer(Transport transport) {
        this.transport = transport;
        this.fabric = new Fabric(() -> registry, this, authenticators);
        this.control = new SessionControl(fabric.sessions());
        LOG.info("iSCSI fabric started ({} transport)", transport.name());
    }

    /** For tests: a server over a fixed registry. */
    IscsiServer(TargetRegistry fixed) {
        this(Transport.create());
        this.registry = fixed;
    }

    /** For tests: a server over a fixed registry on the named transport (see {@link Transport#create(String)}). */
    IscsiServer(TargetRegistry fixed, String transport) {
        this(Transport.create(transport));
        this.registry = fixed;
    }

    /**
     * The SCSI core; it is told the portal groups (ALUA) at once, and again at each portal change.
     *
     * @param r the registry
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRegistry(TargetRegistry r) {
        synchronized (publishing) {
            registry = r;
            r.portalGroups(groups);
        }
    }

    /**
     * The SCSI core goes away (its bundle stopped or updated): its Normal sessions are asked to log
     * out (AsyncEvent 1, bounded wait), then the connections left are closed, before the core
     * closes its LUNs. Initiators log in again once a core is back (logins meanwhile get 0x0301,
     * service unavailable, which they retry), and resend what was in flight. A session kept open
     * would stay bound to the closed core: every command of it then failed with LOGICAL UNIT NOT
     * SUPPORTED, a hard error to initiators (found with the Linux kernel under bundle:update).
     * SCR calls this while the leaving core still serves.
     *
     * @param r the registry leaving
     */
    void unbindRegistry(TargetRegistry r) {
        synchronized (publishing) {
            if (registry != r) {
                return;
            }
            registry = null;
        }
        if (fabric.sessions().sessions().stream().anyMatch(s -> !s.discovery())) {
            LOG.info("the SCSI core is leaving: its sessions are asked to log out, to log in again when it is back");
            endNormalSessions();
        }
    }

    /**
     * Authentication services (whiteboard): a login whose target requires a method asks the
     * service registered for it; while none is, such logins fail with a target error.
     */
    @Reference(service = Authenticator.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC)
    void addAuthenticator(Authenticator authenticator, java.util.Map<String, Object> properties) {
        authenticators.add(authenticator, properties);
    }

    void removeAuthenticator(Authenticator authenticator) {
        authenticators.remove(authenticator);
    }

    /**
     * The discovery policy changed (or its file was removed: the defaults): discovery logins that
     * start from now on follow it.
     */
    @Modified
    void modified(Map<String, Object> discovery) {
        DiscoveryPolicy policy = DiscoveryPolicy.from(discovery);
        fabric.discoveryPolicy(policy);
        LOG.info("discovery policy: {}", policy);
    }

    /** @return the transport in use: io_uring, epoll or nio */
    String transportName() {
        return transport.name();
    }

    Fabric fabric() {
        return fabric;
    }

    /**
     * Binds a portal's addresses. An address that cannot be bound is logged with the file and key
     * and marks the portal FAILED; the other addresses and portals keep serving.
     *
     * @param name portal name
     * @param origin configuration file
     * @param tag portal group tag
     * @param listen configured entries (for listings)
     * @param addresses resolved addresses
     * @return the portal
     */
    Portal open(String name, String origin, int tag, List<String> listen, List<InetSocketAddress> addresses) {
        return open(name, origin, tag, listen, addresses, PortalLimits.DEFAULTS);
    }

    /**
     * Binds a portal's addresses, its connections under {@code limits}: a connection over a limit
     * has its Login Request answered with the refusal status, then closes (see {@link ConnectionLimiter}).
     *
     * @param name portal name
     * @param origin configuration file
     * @param tag portal group tag
     * @param listen configured entries (for listings)
     * @param addresses resolved addresses
     * @param limits the portal's limits
     * @return the portal
     */
    Portal open(String name, String origin, int tag, List<String> listen, List<InetSocketAddress> addresses,
            PortalLimits limits) {
        return open(name, origin, tag, listen, addresses, limits, PortalAccess.DEFAULT);
    }

    /**
     * Binds a portal's addresses, as {@link #open(String, String, int, List, List, PortalLimits)}
     * does, with its ALUA keys; the SCSI core is told of its group.
     */
    Portal open(String name, String origin, int tag, List<String> listen, List<InetSocketAddress> addresses,
            PortalLimits limits, PortalAccess access) {
        Portal portal = new Portal(name, origin, tag, listen);
        portal.access = access;
        Admission admission = new ConnectionLimiter(name, limits);
        ServerBootstrap b = new ServerBootstrap()
                .group(transport.boss(), transport.workers())
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // reading stops above the high mark (ReadThrottle); the target's own marks apply after login
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FlowSettings.DEFAULT_WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
                        Permit permit = admission.admit(remote.getAddress());
                        ch.closeFuture().addListener(f -> permit.release());
                        connections.add(ch);
                        if (permit.status() != 0) {
                            LoginRefusal.install(ch, permit, limits.loginTimeout());
                            return;
                        }
                        // Large write data is read from the socket straight into the command's buffer.
                        ch.config().setRecvByteBufAllocator(new DirectReceive(new AdaptiveRecvByteBufAllocator()));
                        Connection.open(ch, fabric, name, tag, (InetSocketAddress) ch.localAddress(), remote,
                                limits, permit);
                    }
                });
        for (InetSocketAddress a : addresses) {
            ChannelFuture f = b.bind(a).awaitUninterruptibly();
            if (f.isSuccess()) {
                portal.servers.add(f.channel());
                LOG.info("portal {} listening on {} (tag {})", name, f.channel().localAddress(), tag);
            } else {
                String why = "cannot bind " + SendTargets.format(a.getAddress(), a.getPort()) + ": "
                        + f.cause().getMessage();
                portal.failures.add(why);
                LOG.error("{}: key listen: {}", origin, why);
            }
        }
        portals.add(portal);
        publishGroups();
        return portal;
    }

    /**
     * A portal's ALUA keys changed: applied in place (no session ends) and told to the SCSI core.
     *
     * @param portal the portal
     * @param access its new keys
     */
    void access(Portal portal, PortalAccess access) {
        portal.access = access;
        publishGroups();
    }

    /** Tells the SCSI core every portal with its group's state (SPC-4 §5.16); conflicts are logged. */
    private void publishGroups() {
        synchronized (publishing) {
            List<PortalGroup> g = PortalGroups.resolve(portals, LOG::error);
            groups = g;
            TargetRegistry r = registry;
            if (r != null) {
                r.portalGroups(g);
            }
        }
    }

    /**
     * Stops listening. A Normal session with connections through the portal and others elsewhere
     * (MC/S) loses only the former, each told with AsyncEvent 2 (connection drop); the sessions
     * that came in through the portal alone are asked to log out (bounded wait); then the portal's
     * remaining connections are closed.
     */
    void close(Portal portal) {
        portals.remove(portal);
        publishGroups();
        for (Channel c : portal.servers) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        Set<ConnectionPort> dropped = new HashSet<>();
        for (Session s : fabric.sessions().sessions()) {
            List<ConnectionPort> through = s.connections().stream()
                    .filter(c -> c.portalName().equals(portal.name)).toList();
            if (!s.discovery() && !through.isEmpty() && through.size() < s.connections().size()) {
                through.forEach(ConnectionPort::drop);
                dropped.addAll(through);
            }
        }
        drain(s -> !s.connections().isEmpty()
                && s.connections().stream().allMatch(c -> c.portalName().equals(portal.name)));
        for (Channel c : connections) {
            Connection conn = Connection.of(c);
            // a dropped connection closes itself once its notice left (bounded by the lingering close)
            if (conn != null && conn.portalName().equals(portal.name) && !dropped.contains(conn)) {
                c.close();
            }
        }
        LOG.info("portal {} closed", portal.name);
    }

    /**
     * Asks the matching Normal sessions to log out (RFC 7143 §11.9.1, AsyncEvent 1) and waits for
     * them, at most {@link #LOGOUT_GRACE_SECONDS}.
     */
    private void drain(java.util.function.Predicate<Session> which) {
        List<Session> normal = new ArrayList<>();
        for (Session s : fabric.sessions().sessions()) {
            if (!s.discovery() && which.test(s)) {
                normal.add(s);
                s.connections().forEach(c -> c.requestLogout(LOGOUT_GRACE_SECONDS));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOGOUT_GRACE_SECONDS);
        while (!normal.isEmpty() && System.nanoTime() < deadline) {
            normal.removeIf(s -> fabric.sessions().session(s.tsih()) != s);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!normal.isEmpty()) {
            LOG.info("{} session(s) did not log out within {} s; closing them", normal.size(), LOGOUT_GRACE_SECONDS);
        }
    }

    /** Asks every Normal session to log out (bounded wait), then closes the connections of those left. */
    private void endNormalSessions() {
        drain(s -> true);
        for (Session s : fabric.sessions().sessions()) {
            if (!s.discovery()) {
                s.connections().forEach(ConnectionPort::close);
            }
        }
    }

    /**
     * Clean stop: ask every Normal session to log out, wait a bounded time, then close every
     * channel and stop the event loops (bounded).
     */
    @Deactivate
    void deactivate() {
        drain(s -> true);
        for (Portal p : new ArrayList<>(portals)) {
            for (Channel c : p.servers) {
                c.close();
            }
        }
        portals.clear();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        transport.boss().shutdownGracefully(0, 2, TimeUnit.SECONDS);
        transport.workers().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        LOG.info("iSCSI fabric stopped");
    }

    @Override
    public List<PortalEndpoint> endpoints() {
        List<PortalEndpoint> l = new ArrayList<>();
        for (Portal p : portals) {
            l.add(new PortalEndpoint(p.name, p.tag, p.bound()));
        }
        return l;
    }

    @Override
    public List<PortalInfo> portals() {
        List<PortalInfo> l = new ArrayList<>();
        List<PortalGroup> g = groups;
        for (Portal p : portals) {
            l.add(p.info(transport.name(), PortalGroups.column(p, g)));
        }
        return l;
    }

    @Override
    public List<SessionInfo> sessions() {
        return fabric.sessions().infos();
    }

    /** @return the I/O counters of the normal sessions, by TSIH */
    @Override
    public Map<Integer, IoStats> sessionStats() {
        Map<Integer, IoStats> m = new TreeMap<>();
        for (Session s : fabric.sessions().sessions()) {
            if (!s.discovery()) {
                m.put(s.tsih(), s.ioStats());
            }
        }
        return m;
    }

    @Override
    public Optional<SessionDetail> session(int tsih) {
        return control.detail(tsih);
    }

    @Override
    public boolean logout(int tsih) {
        return control.logout(tsih);
    }
}
