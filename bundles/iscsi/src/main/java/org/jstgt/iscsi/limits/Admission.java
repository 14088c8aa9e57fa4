package org.jstgt.iscsi.limits;

import java.net.InetAddress;

/** What the accept path asks before a new connection may start its login. */
@FunctionalInterface
public interface Admission {

    /** Admits everything (tests, and connections not made through a portal). */
    Admission UNLIMITED = peer -> Permit.UNLIMITED;

    /**
     * Called once per accepted connection, from any thread.
     *
     * @param peer the initiator's address
     * @return a permit, admitted or refused; the caller releases it when the connection closes
     */
    Permit admit(InetAddress peer);
}
