/**
 * Sessions (RFC 7143 §4.2.1): the command window and CmdSN ordering across a session's
 * connections, a session's set of connections, and the session table with reinstatement. Home of
 * MC/S (connections joining a session) and of session-level recovery.
 */
package org.jstgt.iscsi.session;
