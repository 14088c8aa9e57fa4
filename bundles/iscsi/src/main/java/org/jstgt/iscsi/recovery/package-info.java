/**
 * Error recovery above level 0 (RFC 7143 §7), offered up to the target key
 * {@code error.recovery.level}. Level 1: each connection keeps its numbered responses and its
 * reads' data until ExpStatSN acknowledges them ({@link org.jstgt.iscsi.recovery.Retention}) and
 * answers the four SNACK types from them ({@link org.jstgt.iscsi.recovery.Snacks}); the Data-In
 * split is shared with the first transmission ({@link org.jstgt.iscsi.recovery.DataInPlan});
 * recovery R2Ts for lost Data-Out live with the data collector of {@code org.jstgt.iscsi.task}.
 * Level 2: a failed connection's tasks wait in the task table, orphaned, and its answered but
 * unacknowledged commands in the session's {@link org.jstgt.iscsi.recovery.Orphans}, for a TASK
 * REASSIGN on another connection, until DefaultTime2Wait + DefaultTime2Retain pass.
 */
package org.jstgt.iscsi.recovery;
