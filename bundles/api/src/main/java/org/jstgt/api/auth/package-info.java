/**
 * Authentication of iSCSI logins (RFC 7143 §6.3, §12): the SPI an authentication bundle (CHAP)
 * registers, and the values it exchanges with the transport. The transport runs the login's
 * security stage and knows no method beyond {@code None}; everything method-specific (keys,
 * algorithms, credentials, checks) lives behind {@link org.jstgt.api.auth.Authenticator}.
 */
@Export
@Version("0.2.0")
package org.jstgt.api.auth;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
