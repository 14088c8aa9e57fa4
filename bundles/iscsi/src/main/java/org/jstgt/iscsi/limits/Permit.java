package org.jstgt.iscsi.limits;

/**
 * One accepted connection's place under its portal's limits. A refused permit still holds a
 * place among the connections being answered, so that refusals are bounded too.
 */
@FunctionalInterface
public interface Permit {

    /** A permit with no limits behind it. */
    Permit UNLIMITED = () -> { };

    /**
     * @return 0 when admitted, else the login status to refuse with (RFC 7143 §11.13.5): 0x0301
     *     while too many logins are in progress (transient), 0x0302 when the portal or the address
     *     has as many connections as allowed
     */
    default int status() {
        return 0;
    }

    /**
     * @return for a refused permit, whether the first Login Request is to be read and answered
     *     with {@link #status()}; false: close at once (too many refusals pending already)
     */
    default boolean answer() {
        return false;
    }

    /** The login phase ended (the connection is in its Full Feature Phase): frees a login place. Idempotent. */
    default void loginEnded() {
    }

    /** The connection closed: frees its places. Idempotent; call from any thread. */
    void release();
}
