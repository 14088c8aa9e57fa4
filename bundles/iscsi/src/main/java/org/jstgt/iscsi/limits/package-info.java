/**
 * Bounds one peer cannot push the fabric past: connections per portal and per initiator address,
 * logins in progress, login duration, accumulated negotiation text, and idle connection probing.
 * Plain Java (no Netty, no OSGi): the accept path and the connection ask these classes.
 */
package org.jstgt.iscsi.limits;
