/**
 * The security stage of the login (RFC 7143 §6.3, §12): the target's policy, or for Discovery
 * sessions the discovery policy, asks an {@code org.jstgt.api.auth.Authenticator} service for its
 * method; only {@code None} needs none.
 */
package org.jstgt.iscsi.security;
