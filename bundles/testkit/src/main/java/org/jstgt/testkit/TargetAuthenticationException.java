package org.jstgt.testkit;

/**
 * Mutual CHAP failed on the initiator's side: the target answered the initiator's challenge with
 * another name or a wrong {@code CHAP_R} (RFC 7143 §12.1.3). The initiator has closed the
 * connection, as the RFC requires.
 */
public final class TargetAuthenticationException extends IscsiProtocolException {
    private static final long serialVersionUID = 1L;

    public TargetAuthenticationException(String message) {
        super(message);
    }
}
