package org.jstgt.api.scsi;

/**
 * How a command fares against a persistent reservation held by another I_T nexus (SPC-4 §5.13.1,
 * the table of SPC commands allowed in the presence of various reservations, and the device
 * standards' equivalents such as SBC-3 §4.17). The registrants only and all registrants types
 * allow every command from a registered I_T nexus; the class decides the rest. A unit tells the
 * core the class of each command ({@link LogicalUnit#reservationClass(Cdb)}).
 */
public enum ReservationClass {
    /** Allowed under every reservation type (INQUIRY, READ CAPACITY, TEST UNIT READY, ...). */
    ALLOWED,
    /**
     * Reads: allowed under the Write Exclusive types, conflicts under the Exclusive Access types
     * (from an I_T nexus that is not registered, for the registrants only and all registrants types).
     */
    READ,
    /**
     * Changes medium or state: conflicts under every type (from an I_T nexus that is not registered,
     * for the registrants only and all registrants types). The fail-safe class of an unknown command.
     */
    WRITE
}
