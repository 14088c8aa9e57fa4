/**
 * Asymmetric logical unit access (SPC-4 §5.16). Each portal group of the fabric is a target port
 * group whose identifier is its tag; the fabric publishes the groups and the states of their
 * portal configurations ({@link org.jstgt.scsi.alua.PortGroups}, read as an immutable
 * {@link org.jstgt.scsi.alua.GroupSnapshot}). The admission step after the unit attention check
 * refuses what the state of the group a command came through does not allow
 * ({@link org.jstgt.scsi.alua.AccessRules}: NOT READY, LOGICAL UNIT NOT ACCESSIBLE); the core runs
 * REPORT and SET TARGET PORT GROUPS for every device type ({@link org.jstgt.scsi.alua.ReportTargetPortGroups},
 * {@link org.jstgt.scsi.alua.SetTargetPortGroups}) as the target's {@code alua} key
 * ({@link org.jstgt.scsi.alua.AluaMode}) offers them. The core's side of it (admission, the
 * commands, unit attentions on a change) is {@code core.AccessStates}.
 */
package org.jstgt.scsi.alua;
