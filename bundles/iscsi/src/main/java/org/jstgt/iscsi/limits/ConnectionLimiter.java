package org.jstgt.iscsi.limits;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jstgt.iscsi.login.LoginStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A portal's connection counts against its {@link PortalLimits}: connections open, per
 * initiator address, and in their login phase. Over a limit the permit is refused with a login
 * status; refused connections waiting for their Login Request to be answered are bounded by
 * {@link PortalLimits#maxLogins()} too, past which they are closed at once. Nothing is queued.
 * Refusals are logged once per peer address per {@link #LOG_INTERVAL_SECONDS}. Thread-safe.
 */
public final class ConnectionLimiter implements Admission {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
    /** A refused address is logged at most once in this many seconds. */
    public static final int LOG_INTERVAL_SECONDS = 60;

    private final String portal;
    private final PortalLimits limits;
    private final LongSupplier clock;
    private final FloodLog<InetAddress> floodLog = new FloodLog<>(TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS));
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int open;
    private int logins;
    private int refusing;

    /**
     * @param portal the portal's name, for the log
     * @param limits its limits
     */
    public ConnectionLimiter(String portal, PortalLimits limits) {
        this(portal, limits, System::nanoTime);
    }

    ConnectionLimiter(String portal, PortalLimits limits, LongSupplier clock) {
        this.portal = portal;
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public Permit admit(InetAddress peer) {
        String why;
        int status;
        synchronized (this) {
            int fromPeer = perAddress.getOrDefault(peer, 0);
            if (open >= limits.maxConnections()) {
                status = LoginStatus.OUT_OF_RESOURCES;
                why = open + " connections open, " + PortalLimits.CONNECTIONS_MAX + " = " + limits.maxConnections();
            } else if (fromPeer >= limits.perAddress()) {
                status = LoginStatus.OUT_OF_RESOURCES;
                why = fromPeer + " connections open from this address, " + PortalLimits.CONNECTIONS_PER_ADDRESS
                        + " = " + limits.perAddress();
            } else if (logins >= limits.maxLogins()) {
                status = LoginStatus.SERVICE_UNAVAILABLE;
                why = logins + " logins in progress, " + PortalLimits.LOGINS_MAX + " = " + limits.maxLogins();
            } else {
                open++;
                logins++;
                perAddress.put(peer, fromPeer + 1);
                return new Admitted(peer);
            }
        }
        boolean answer = takeRefusalPlace();
        long suppressed = floodLog.record(peer, clock.getAsLong());
        if (suppressed >= 0) {
            LOG.warn("portal {}: refusing connections from {} with login status 0x{}: {}{}", portal,
                    peer.getHostAddress(), String.format("%04x", status), why,
                    suppressed == 0 ? "" : " (" + suppressed + " more refused since the last report)");
        }
        return answer ? new Refused(status) : new Refused(status, false);
    }

    private synchronized boolean takeRefusalPlace() {
        if (refusing >= limits.maxLogins()) {
            return false;
        }
        refusing++;
        return true;
    }

    /** @return connections open, logins in progress and refusals pending, for tests and listings */
    synchronized int[] counts() {
        return new int[] {open, logins, refusing};
    }

    private final class Admitted implements Permit {
        private final InetAddress peer;
        private boolean inLogin = true;
        private boolean released;

        Admitted(InetAddress peer) {
            this.peer = peer;
        }

        @Override
        public void loginEnded() {
            synchronized (ConnectionLimiter.this) {
                if (inLogin && !released) {
                    inLogin = false;
                    logins--;
                }
            }
        }

        @Override
        public void release() {
            synchronized (ConnectionLimiter.this) {
                if (released) {
                    return;
                }
                released = true;
                if (inLogin) {
                    inLogin = false;
                    logins--;
                }
                open--;
                perAddress.computeIfPresent(peer, (k, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private final class Refused implements Permit {
        private final int status;
        private final boolean answer;
        private boolean released;

        Refused(int status) {
            this(status, true);
        }

        Refused(int status, boolean answer) {
            this.status = status;
            this.answer = answer;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public boolean answer() {
            return answer;
        }

        @Override
        public void release() {
            synchronized (ConnectionLimiter.this) {
                if (!released && answer) {
                    refusing--;
                }
                released = true;
            }
        }
    }
}
