/** Task management requests (RFC 7143 §11.5, §11.6) acting on a session's tasks. */
package org.jstgt.iscsi.tmf;
