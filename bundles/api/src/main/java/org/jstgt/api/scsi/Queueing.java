package org.jstgt.api.scsi;

/** How the core's task set runs a logical unit's commands (SAM-5 §8, task set management). */
public enum Queueing {
    /**
     * Commands with the SIMPLE attribute run concurrently, as soon as their data is in (a disk:
     * the initiator orders what it needs to with ORDERED or by waiting).
     */
    CONCURRENT,
    /**
     * Commands run one at a time in the order the fabric delivered them (CmdSN order in iSCSI),
     * each after the one before has completed: a tape drive or media changer, whose commands act
     * on a position or a mechanism.
     */
    IN_ORDER
}
