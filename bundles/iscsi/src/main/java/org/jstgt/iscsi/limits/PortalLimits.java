package org.jstgt.iscsi.limits;

import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-portal bounds of {@code etc/jstgt.portal-<name>.cfg}. Times are in seconds.
 *
 * @param maxConnections {@value #CONNECTIONS_MAX}: open connections on the portal
 * @param perAddress {@value #CONNECTIONS_PER_ADDRESS}: open connections from one initiator address
 * @param maxLogins {@value #LOGINS_MAX}: connections still in their login phase
 * @param loginTimeout {@value #LOGIN_TIMEOUT}: a login not complete by then is closed
 * @param maxText {@value #TEXT_MAX}: bytes of key=value text joined across C-bit PDUs (login and
 *     Text Request)
 * @param nopInterval {@value #NOP_INTERVAL}: a full feature connection that sent nothing for this
 *     long gets a NOP-In ping (0: no pings)
 * @param nopTimeout {@value #NOP_TIMEOUT}: a ping not answered by then drops the connection (0: no
 *     pings)
 */
public record PortalLimits(int maxConnections, int perAddress, int maxLogins, int loginTimeout, int maxText,
        int nopInterval, int nopTimeout) {
    private static final Logger LOG = LoggerFactory.getLogger(PortalLimits.class);

    public static final String CONNECTIONS_MAX = "connections.max";
    public static final String CONNECTIONS_PER_ADDRESS = "connections.per.address";
    public static final String LOGINS_MAX = "logins.max";
    public static final String LOGIN_TIMEOUT = "login.timeout";
    public static final String TEXT_MAX = "text.max";
    public static final String NOP_INTERVAL = "nop.interval";
    public static final String NOP_TIMEOUT = "nop.timeout";

    static final Setting CONNECTIONS = new Setting(CONNECTIONS_MAX, 1, 65535, 256);
    static final Setting PER_ADDRESS = new Setting(CONNECTIONS_PER_ADDRESS, 1, 65535, 64);
    static final Setting LOGINS = new Setting(LOGINS_MAX, 1, 65535, 32);
    static final Setting LOGIN_SECONDS = new Setting(LOGIN_TIMEOUT, 1, 3600, 15);
    /** At least one login PDU's worth (RFC 7143 §13.12 default MaxRecvDataSegmentLength). */
    static final Setting TEXT = new Setting(TEXT_MAX, 8192, 16 * 1024 * 1024, 64 * 1024);
    static final Setting NOP_EVERY = new Setting(NOP_INTERVAL, 0, 3600, 15);
    static final Setting NOP_WAIT = new Setting(NOP_TIMEOUT, 0, 3600, 30);

    /** Every key at its default. */
    public static final PortalLimits DEFAULTS = from(Map.of(), "(defaults)");

    /**
     * @param properties the portal configuration
     * @param origin its file, for messages
     * @return validated limits; bad values are logged with the file and key and replaced by defaults
     */
    public static PortalLimits from(Map<String, ?> properties, String origin) {
        return from(properties, origin, LOG::warn);
    }

    /**
     * @param properties the portal configuration
     * @param origin its file, for messages
     * @param report receives one message per bad value
     * @return validated limits
     */
    public static PortalLimits from(Map<String, ?> properties, String origin, Consumer<String> report) {
        return new PortalLimits(CONNECTIONS.read(properties, origin, report),
                PER_ADDRESS.read(properties, origin, report), LOGINS.read(properties, origin, report),
                LOGIN_SECONDS.read(properties, origin, report), TEXT.read(properties, origin, report),
                NOP_EVERY.read(properties, origin, report), NOP_WAIT.read(properties, origin, report));
    }

    /** @return true when idle connections are pinged (both nop keys above 0) */
    public boolean probing() {
        return nopInterval > 0 && nopTimeout > 0;
    }
}
