package org.jstgt.iscsi;

import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import org.jstgt.api.Pids;
import org.jstgt.iscsi.events.ConfigEvents;
import org.jstgt.iscsi.log.BoundedSetting;
import org.jstgt.iscsi.log.LogBudget;
import org.jstgt.iscsi.poll.PollWindow;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric's own settings, the singleton PID {@value #PID} ({@code etc/jstgt.iscsi.cfg},
 * optional): the Netty transport, the peer log budget and the event loops' polling window. They
 * replace the system properties
 * {@value Transport#PROPERTY} and {@value LogBudget#PROPERTY}, which are still read, with a
 * deprecation line in the log, when the file does not set the key (for one release).
 *
 * <p>{@code busy.poll.us} applies at once; {@code peer.log.limit} to connections accepted after a
 * change; {@code transport} is
 * chosen when the fabric starts, so a change is logged and applies at the next start of the
 * {@code jstgt-iscsi} bundle (or of Karaf).
 */
@Component(service = IscsiSettings.class, configurationPid = IscsiSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = IscsiSettings.Config.class)
public final class IscsiSettings {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiSettings.class);

    /** The singleton PID: {@code etc/jstgt.iscsi.cfg}. */
    public static final String PID = "jstgt.iscsi";
    /** Key: the Netty transport. */
    public static final String TRANSPORT = "transport";
    /** Key: peer-caused log lines per connection. */
    public static final String PEER_LOG_LIMIT = "peer.log.limit";
    /** Key: microseconds an event loop keeps polling after I/O before it sleeps. */
    public static final String BUSY_POLL_US = "busy.poll.us";
    /** {@value #TRANSPORT} when neither the file nor the old system property says. */
    public static final String DEFAULT_TRANSPORT = "auto";

    /** The metatype of {@value #PID} (the code reads the map: an absent key falls back to the system property). */
    @ObjectClassDefinition(id = PID, name = "jstgt iSCSI fabric",
            description = "Settings of the iSCSI transport itself (etc/jstgt.iscsi.cfg, optional)")
    public @interface Config {
        @AttributeDefinition(name = TRANSPORT, description = "Netty transport: auto takes io_uring, then epoll, "
                + "then NIO, the first that loads here; io_uring, epoll or nio ask for one (falling back to NIO, "
                + "with a warning, when it cannot load). Chosen when the fabric starts: a change applies at the "
                + "next start of the jstgt-iscsi bundle. Replaces the system property jstgt.iscsi.transport",
                options = {@Option(label = "auto", value = "auto"), @Option(label = "io_uring", value = "io_uring"),
                    @Option(label = "epoll", value = "epoll"), @Option(label = "nio", value = "nio")})
        String transport() default DEFAULT_TRANSPORT;

        @AttributeDefinition(name = PEER_LOG_LIMIT, description = "Log lines one connection's peer can cause "
                + "(bad text requests, malformed PDUs), 0..100000; then one line says further ones are suppressed. "
                + "Applies to connections accepted after a change. Replaces the system property "
                + "jstgt.iscsi.peer.log.limit", min = "0", max = "100000")
        int peer_log_limit() default LogBudget.DEFAULT_LIMIT;

        @AttributeDefinition(name = BUSY_POLL_US, description = "Microseconds a connection's event loop keeps "
                + "polling after I/O before it sleeps, 0..10000; 0 sleeps at once. Polling spares the sleep and "
                + "wake-up between the commands of a connection at low queue depth (most of a 4 KiB read's time "
                + "at queue depth 1 on a virtual machine), at the price of CPU while connections are active. "
                + "Applies at once", min = "0", max = "10000")
        int busy_poll_us() default PollWindow.DEFAULT_MICROS;
    }

    private final BiConsumer<String, Object[]> warn;
    private final UnaryOperator<String> systemProperties;
    private final String transport;
    private final PollWindow pollWindow = new PollWindow(PollWindow.DEFAULT_MICROS);

    /** @param properties the {@value #PID} configuration, if any (and the component's properties) */
    @Activate
    public IscsiSettings(Map<String, Object> properties) {
        this(properties, System::getProperty, (format, args) -> LOG.warn(format, args));
    }

    /**
     * @param properties the configuration
     * @param systemProperties reads a system property (the deprecated fallback)
     * @param warn where deprecation lines and bad values go
     */
    IscsiSettings(Map<String, ?> properties, UnaryOperator<String> systemProperties,
            BiConsumer<String, Object[]> warn) {
        this.warn = warn;
        this.systemProperties = systemProperties;
        this.transport = value(properties, TRANSPORT, Transport.PROPERTY, DEFAULT_TRANSPORT);
        applyLive(properties);
    }

    /** The configuration changed: the log budget applies now, a transport change at the next start. */
    @Modified
    void modified(Map<String, Object> properties) {
        String next = value(properties, TRANSPORT, Transport.PROPERTY, DEFAULT_TRANSPORT);
        if (!next.equalsIgnoreCase(transport)) {
            warn.accept("{}: key {}: '{}' applies at the next start of the jstgt-iscsi bundle; the fabric keeps "
                    + "the transport it started with ('{}')", new Object[] {origin(properties), TRANSPORT, next,
                        transport});
        }
        applyLive(properties);
    }

    private void applyLive(Map<String, ?> properties) {
        String limit = value(properties, PEER_LOG_LIMIT, LogBudget.PROPERTY, null);
        String origin = origin(properties);
        LogBudget.configure(BoundedSetting.read(LOG, origin, PEER_LOG_LIMIT, limit, 0,
                LogBudget.MAX_LIMIT, LogBudget.DEFAULT_LIMIT, why -> ConfigEvents.refused(origin, PEER_LOG_LIMIT, why)));
        Object poll = properties.get(BUSY_POLL_US);
        pollWindow.set(BoundedSetting.read(LOG, origin, BUSY_POLL_US, poll == null ? null : poll.toString(), 0,
                PollWindow.MAX_MICROS, PollWindow.DEFAULT_MICROS, why -> ConfigEvents.refused(origin, BUSY_POLL_US,
                        why)));
    }

    /** @return the event loops' polling window, {@value #BUSY_POLL_US}: changes apply at once */
    public PollWindow pollWindow() {
        return pollWindow;
    }

    /** @return the transport asked for: auto, io_uring, epoll or nio (validated by {@link Transport#create(String)}) */
    public String transport() {
        return transport;
    }

    /**
     * @return the key's value from the file; else the deprecated system property's, with a
     *     deprecation line; else the default
     */
    private String value(Map<String, ?> properties, String key, String systemProperty, String dflt) {
        Object v = properties.get(key);
        if (v != null && !v.toString().isBlank()) {
            return v.toString().trim();
        }
        String old = systemProperties.apply(systemProperty);
        if (old != null && !old.isBlank()) {
            warn.accept("system property {} is deprecated and will be ignored in the next release: set {} = {} in "
                    + "etc/{}.cfg instead", new Object[] {systemProperty, key, old.trim(), PID});
            return old.trim();
        }
        return dflt;
    }

    private static String origin(Map<String, ?> properties) {
        return properties.containsKey(Pids.FILEINSTALL_FILENAME) ? Pids.origin(properties) : PID;
    }
}
