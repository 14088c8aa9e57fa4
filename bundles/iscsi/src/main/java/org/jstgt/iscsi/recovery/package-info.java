/**
 * Error recovery above level 0 (RFC 7143 §7): keeping Data-In and status of a task until the
 * initiator acknowledges it (ExpStatSN, DataACK SNACK) so that a SNACK or a recovery R2T can be
 * answered, and task reassignment to another connection of the session (ERL 2). Not implemented
 * yet: sessions negotiate ErrorRecoveryLevel 0, Data-In is sent and forgotten, and a SNACK is
 * rejected; the responses of {@code org.jstgt.iscsi.task.Responses} are where retention starts.
 */
package org.jstgt.iscsi.recovery;
