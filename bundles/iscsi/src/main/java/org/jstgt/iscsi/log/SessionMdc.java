package org.jstgt.iscsi.log;

import org.slf4j.MDC;

/**
 * The mapped diagnostic context of a connection's log lines (SLF4J {@link MDC}, which Pax Logging
 * carries to the log pattern as {@code %X{jstgt.target}}): who the line is about, set around the
 * handling of each PDU and each completion on the connection's event loop and restored after. The
 * MDC is per thread and an event loop serves many connections, so every {@link #enter} saves the
 * values it replaces and its {@link Scope#close()} puts them back.
 *
 * <p>Keys: {@value #PORTAL} (portal name), {@value #PEER} (initiator address:port), and once the
 * login names them {@value #TARGET} (target IQN), {@value #INITIATOR} (initiator name),
 * {@value #ISID} (12 hex digits), {@value #TSIH}; {@value #LUN} around a command's completion.
 * Absent values are removed for the scope, so that no other connection's value shows.
 */
public final class SessionMdc {
    /** MDC key: the target's IQN. */
    public static final String TARGET = "jstgt.target";
    /** MDC key: the initiator's iSCSI name. */
    public static final String INITIATOR = "jstgt.initiator";
    /** MDC key: the session's ISID, 12 hex digits. */
    public static final String ISID = "jstgt.isid";
    /** MDC key: the session's TSIH, decimal. */
    public static final String TSIH = "jstgt.tsih";
    /** MDC key: the name of the portal the connection came in on. */
    public static final String PORTAL = "jstgt.portal";
    /** MDC key: the initiator's address and port. */
    public static final String PEER = "jstgt.peer";
    /** MDC key: the LUN of the command being completed. */
    public static final String LUN = "jstgt.lun";

    private static final String[] KEYS = {TARGET, INITIATOR, ISID, TSIH, PORTAL, PEER, LUN};

    private SessionMdc() {
    }

    /**
     * What one connection's lines carry. Values from the wire are made safe for a log line
     * ({@link LogSafe}).
     *
     * @param portal the portal name
     * @param peer the initiator's address:port
     * @param target the target IQN, or null before the login names it (and for discovery)
     * @param initiator the initiator name, or null before the login names it
     * @param isid the ISID as 12 hex digits, or null
     * @param tsih the TSIH, or null before the session exists
     */
    public record Context(String portal, String peer, String target, String initiator, String isid, String tsih) {
        /**
         * @param portal the portal name
         * @param peer the initiator's address:port
         * @return the context of a connection before its login
         */
        public static Context connection(String portal, String peer) {
            return new Context(portal, peer, null, null, null, null);
        }

        /**
         * @param target the target IQN, or null or empty (discovery)
         * @param initiator the initiator name
         * @param isid the ISID (48 bits)
         * @param tsih the TSIH
         * @return this connection's context once it serves the session
         */
        public Context session(String target, String initiator, long isid, int tsih) {
            return new Context(portal, peer, target == null || target.isEmpty() ? null : LogSafe.of(target),
                    initiator == null ? null : LogSafe.of(initiator), String.format("%012x", isid & 0xFFFF_FFFF_FFFFL),
                    Integer.toString(tsih));
        }
    }

    /** The values an {@link #enter} replaced; closing puts them back. */
    public static final class Scope implements AutoCloseable {
        private static final Scope NONE = new Scope(null);
        private final String[] saved;

        private Scope(String[] saved) {
            this.saved = saved;
        }

        @Override
        public void close() {
            if (saved != null) {
                for (int i = 0; i < KEYS.length; i++) {
                    put(KEYS[i], saved[i]);
                }
            }
        }
    }

    /**
     * @param context the connection's context, or null (nothing is set)
     * @return the scope to close when the work is done
     */
    public static Scope enter(Context context) {
        return enter(context, null);
    }

    /**
     * @param context the connection's context, or null (nothing is set)
     * @param lun the LUN the work is about, or null
     * @return the scope to close when the work is done
     */
    public static Scope enter(Context context, String lun) {
        if (context == null) {
            return Scope.NONE;
        }
        String[] saved = new String[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            saved[i] = MDC.get(KEYS[i]);
        }
        put(TARGET, context.target());
        put(INITIATOR, context.initiator());
        put(ISID, context.isid());
        put(TSIH, context.tsih());
        put(PORTAL, context.portal());
        put(PEER, context.peer());
        put(LUN, lun);
        return new Scope(saved);
    }

    /**
     * @param context the connection's context, or null
     * @param lun the LUN, or null
     * @param work what to run
     * @return {@code work} run under the context
     */
    public static Runnable wrap(Context context, String lun, Runnable work) {
        return () -> {
            try (Scope s = enter(context, lun)) {
                work.run();
            }
        };
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
