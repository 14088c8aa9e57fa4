package org.jstgt.scsi.spc;

/**
 * How a command fares against persistent reservations held by another I_T nexus (SPC-4 §5.13.1,
 * table 61).
 */
public enum ReservationClass {
    /** Allowed under every reservation type (INQUIRY, REPORT LUNS, TEST UNIT READY, ...). */
    ALLOWED,
    /** Reads medium data: allowed under Write Exclusive, conflicts under Exclusive Access. */
    READ,
    /** Changes medium or state: conflicts under Write Exclusive and Exclusive Access. */
    WRITE
}
