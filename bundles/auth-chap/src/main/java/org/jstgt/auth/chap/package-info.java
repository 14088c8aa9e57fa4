/**
 * CHAP for the login's security stage (RFC 7143 §12.1.3, RFC 1994): the {@code Authenticator}
 * service, the per-login exchange, the credential sets of {@code etc/jstgt.auth-<name>.cfg} and the
 * progressive delay of refusals. Private to the bundle: nothing here is exported.
 */
package org.jstgt.auth.chap;
