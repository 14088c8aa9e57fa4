/**
 * Error recovery above level 0 (RFC 7143 §7): at ErrorRecoveryLevel 1 (target key
 * {@code error.recovery.level}) each connection keeps its numbered responses and its reads' data
 * until ExpStatSN acknowledges them ({@link org.jstgt.iscsi.recovery.Retention}) and answers the
 * four SNACK types from them ({@link org.jstgt.iscsi.recovery.Snacks}); the Data-In split is
 * shared with the first transmission ({@link org.jstgt.iscsi.recovery.DataInPlan}). Recovery R2Ts
 * for lost Data-Out live with the data collector of {@code org.jstgt.iscsi.task}. Level 2
 * (connection recovery, TASK REASSIGN) is not implemented: sessions negotiate at most 1.
 */
package org.jstgt.iscsi.recovery;
