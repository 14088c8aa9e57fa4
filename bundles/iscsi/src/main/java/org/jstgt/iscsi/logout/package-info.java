/** Logout (RFC 7143 §11.14, §11.15): of a session, or of one of its connections. */
package org.jstgt.iscsi.logout;
