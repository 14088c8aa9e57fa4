/**
 * The fabric's session events for Event Admin ({@link org.jstgt.iscsi.events.SessionEvents}):
 * logins, logouts, reinstatements and refused authentications;
 * {@link org.jstgt.iscsi.events.EventAdminSink} posts them while Event Admin is there.
 */
package org.jstgt.iscsi.events;
