/**
 * Reservations of a logical unit, as plain logic the SCSI core drives: persistent reservations
 * (SPC-4 §5.13: registrations per I_T nexus, the six reservation types, PERSISTENT RESERVE IN §6.15
 * and OUT §6.16, APTPL) and SPC-2's RESERVE and RELEASE (SPC-2 §7.21, §7.24) with the
 * exceptions SPC-4 §5.13.3 makes for them. {@link org.jstgt.scsi.pr.PrEngine} holds one logical
 * unit's state as an immutable {@link org.jstgt.scsi.pr.PrState} that the command path reads
 * without a lock; {@link org.jstgt.scsi.pr.Conflicts} is the admission step that ends a command
 * with RESERVATION CONFLICT; {@link org.jstgt.scsi.pr.StateFiles} keeps the state across an update
 * of the core bundle and, with APTPL, a restart. Nothing here knows Netty, OSGi or the core's
 * classes: the core maps I_T nexuses to {@link org.jstgt.scsi.pr.ItNexus} and raises the unit
 * attentions and aborts an {@link org.jstgt.scsi.pr.Outcome} asks for.
 */
package org.jstgt.scsi.pr;
