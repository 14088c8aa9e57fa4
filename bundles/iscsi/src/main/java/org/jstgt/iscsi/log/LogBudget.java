package org.jstgt.iscsi.log;

import org.slf4j.Logger;

/**
 * Bounds the log lines one connection's peer can cause (bad text requests, malformed PDUs it may
 * repeat without the connection ending): the first {@link #limit()} pass, then one line says that
 * further ones are suppressed, and the rest are dropped. The limit is the key {@code peer.log.limit}
 * of {@code etc/jstgt.iscsi.cfg} (default {@value #DEFAULT_LIMIT}, 0..100000; the deprecated system
 * property {@value #PROPERTY} when the file does not set it), see {@link #configure(int)}. One
 * instance per connection engine, confined to the connection's event loop.
 */
public final class LogBudget {
    /** Deprecated system property with the number of peer-caused lines per connection (the {@code jstgt.iscsi} PID's {@code peer.log.limit} replaces it). */
    public static final String PROPERTY = "jstgt.iscsi.peer.log.limit";
    /** Lines per connection unless {@value #PROPERTY} says otherwise. */
    public static final int DEFAULT_LIMIT = 20;
    /** The largest limit. */
    public static final int MAX_LIMIT = 100_000;

    private final int limit;
    private int used;

    /** The size new budgets get: the fabric's configuration sets it ({@link #configure(int)}). */
    private static volatile int configuredLimit = DEFAULT_LIMIT;

    /** A budget of the configured size. */
    public LogBudget() {
        this(configuredLimit);
    }

    /**
     * Sets the size of the budgets made from now on (connections accepted later).
     *
     * @param limit lines that may pass, 0..100000
     */
    public static void configure(int limit) {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " not in 0.." + MAX_LIMIT);
        }
        configuredLimit = limit;
    }

    /** @param limit lines that may pass, 0..100000 */
    public LogBudget(int limit) {
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " not in 0.." + MAX_LIMIT);
        }
        this.limit = limit;
    }

    /**
     * @param value the property's value, may be null
     * @param log where to report a bad value, or null for this class's logger
     * @return the limit it gives, {@link #DEFAULT_LIMIT} when absent or bad
     */
    static int configured(String value, Logger log) {
        return BoundedSetting.read(log != null ? log : org.slf4j.LoggerFactory.getLogger(LogBudget.class),
                "system properties", PROPERTY, value, 0, MAX_LIMIT, DEFAULT_LIMIT);
    }

    /** @return the lines that may pass */
    public int limit() {
        return limit;
    }

    /**
     * Asks for one line. When the budget has just run out, says so on {@code log} (at the level
     * of the lines it bounds, INFO) once.
     *
     * @param log the logger the line would go to
     * @param peer who causes the lines ({@code address:port}), for the notice
     * @return true when the line may be logged
     */
    public boolean allow(Logger log, String peer) {
        if (used < limit) {
            used++;
            return true;
        }
        if (used == limit) {
            used++;
            log.info("{}: further messages about what this peer sends on this connection are suppressed "
                    + "(first {} logged; peer.log.limit in etc/jstgt.iscsi.cfg)", peer, limit);
        }
        return false;
    }
}
