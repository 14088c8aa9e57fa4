/**
 * The login phase (RFC 7143 §6, §13): the key table, negotiation, target settings, the login
 * state machine and its pipeline handler. The security stage is delegated to
 * {@code org.jstgt.iscsi.security}.
 */
package org.jstgt.iscsi.login;
