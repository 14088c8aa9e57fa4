/**
 * The SCSI core's events for Event Admin ({@link org.jstgt.scsi.events.CoreEvents}): LUN state
 * changes and refused configurations; {@link org.jstgt.scsi.events.EventAdminSink} posts them while
 * Event Admin is there.
 */
package org.jstgt.scsi.events;
