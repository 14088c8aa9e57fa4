package org.jstgt.iscsi.log;

import io.netty.util.concurrent.FastThreadLocal;

import org.slf4j.MDC;

/**
 * The mapped diagnostic context of a connection's log lines (SLF4J {@link MDC}, which Pax Logging
 * carries to the log pattern as {@code %X{jstgt.target}}): who the line is about, entered around
 * the handling of each PDU, each completion and each timer of the connection on its event loop.
 *
 * <p>An event loop serves many connections, so the keys change with the work; but the MDC is dear
 * to write (Pax Logging's adapter takes a process-wide lock on every call), and a loop mostly
 * serves the same connection many times in a row. So each thread keeps a record of whose values
 * the MDC holds ({@link Held}), and {@link #enter} writes only the keys that differ: entering the
 * connection the thread already holds writes nothing, and a switch writes only what changed (the
 * peer between two connections of one session, the LUN between a command and a PDU). An outermost
 * scope leaves its values on the thread when it closes, for the next work; a nested one puts back
 * the values of the scope around it. A connection that ends takes its values off the thread
 * ({@link #leave}). Hence a line logged on an event loop outside any connection's work may carry
 * the values of the connection the loop served last; every piece of work the target runs for a
 * connection enters that connection's values first.
 *
 * <p>Keys: {@value #PORTAL} (portal name), {@value #PEER} (initiator address:port), and once the
 * login names them {@value #TARGET} (target IQN), {@value #INITIATOR} (initiator name),
 * {@value #ISID} (12 hex digits), {@value #TSIH}; {@value #LUN} around a command's completion.
 * Absent values are removed, so that no other connection's value shows. The keys are this class's
 * alone: code that clears the MDC of a thread that enters scopes calls {@link #clear()} instead.
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
    /** The LUN argument of work that is about no LUN. */
    public static final int NO_LUN = -1;

    private static final String[] KEYS = {TARGET, INITIATOR, ISID, TSIH, PORTAL, PEER, LUN};
    /** The values of work of no connection: none. */
    private static final Context NOBODY = new Context(null, null, null, null, null, null);
    private static final String[] LUN_NAMES = new String[256];

    static {
        for (int i = 0; i < LUN_NAMES.length; i++) {
            LUN_NAMES[i] = Integer.toString(i);
        }
    }

    private static final FastThreadLocal<Held> HELD = new FastThreadLocal<>() {
        @Override
        protected Held initialValue() {
            return new Held();
        }
    };

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

    /** One thread's record of whose values its MDC holds, and how deep its scopes are. */
    private static final class Held {
        Context context = NOBODY;
        int lun = NO_LUN;
        int depth;
        final Scope outermost = new Scope(this, null, NO_LUN);

        /** Writes the keys of {@code to} that differ from what the MDC holds. */
        void become(Context to, int toLun) {
            Context from = context;
            if (from != to) {
                change(TARGET, from.target(), to.target());
                change(INITIATOR, from.initiator(), to.initiator());
                change(ISID, from.isid(), to.isid());
                change(TSIH, from.tsih(), to.tsih());
                change(PORTAL, from.portal(), to.portal());
                change(PEER, from.peer(), to.peer());
                context = to;
            }
            if (lun != toLun) {
                put(LUN, toLun < 0 ? null : toLun < LUN_NAMES.length ? LUN_NAMES[toLun] : Integer.toString(toLun));
                lun = toLun;
            }
        }

        private static void change(String key, String was, String now) {
            if (was == null ? now != null : !was.equals(now)) {
                put(key, now);
            }
        }
    }

    /** A piece of work under a connection's values; closing ends it. */
    public static final class Scope implements AutoCloseable {
        private final Held held;
        private final Context outer;
        private final int outerLun;

        private Scope(Held held, Context outer, int outerLun) {
            this.held = held;
            this.outer = outer;
            this.outerLun = outerLun;
        }

        @Override
        public void close() {
            if (held.depth == 0) {
                return;
            }
            held.depth--;
            if (this != held.outermost) {
                held.become(outer, outerLun); // back to the work around this one
            }
        }
    }

    /**
     * @param context the connection's context, or null (work of no connection: the keys are removed)
     * @return the scope to close when the work is done
     */
    public static Scope enter(Context context) {
        return enter(context, NO_LUN);
    }

    /**
     * @param context the connection's context, or null (work of no connection: the keys are removed)
     * @param lun the LUN the work is about, or {@link #NO_LUN}
     * @return the scope to close when the work is done
     */
    public static Scope enter(Context context, int lun) {
        Held h = HELD.get();
        Scope s = h.depth == 0 ? h.outermost : new Scope(h, h.context, h.lun);
        h.depth++;
        h.become(context == null ? NOBODY : context, lun < 0 ? NO_LUN : lun);
        return s;
    }

    /**
     * @param context the connection's context, or null
     * @param lun the LUN, or {@link #NO_LUN}
     * @param work what to run
     * @return {@code work} run under the context
     */
    public static Runnable wrap(Context context, int lun, Runnable work) {
        return () -> {
            try (Scope s = enter(context, lun)) {
                work.run();
            }
        };
    }

    /**
     * A connection ended: when this thread's MDC holds its values outside any scope, they are
     * removed, so that no line of later work shows a connection that is gone.
     *
     * @param context the ended connection's context, or null
     */
    public static void leave(Context context) {
        Held h = HELD.get();
        if (context != null && h.depth == 0 && h.context == context) {
            h.become(NOBODY, NO_LUN);
        }
    }

    /** Removes this class's keys from the thread's MDC, and its record of them. */
    public static void clear() {
        Held h = HELD.get();
        for (String k : KEYS) {
            MDC.remove(k);
        }
        h.context = NOBODY;
        h.lun = NO_LUN;
        h.depth = 0;
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
