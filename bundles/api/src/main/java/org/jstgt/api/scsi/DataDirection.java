package org.jstgt.api.scsi;

/** Direction of a command's data transfer, seen from the initiator. */
public enum DataDirection {
    /** No data phase. */
    NONE,
    /** Target to initiator (Data-In): READ, INQUIRY, ... */
    IN,
    /** Initiator to target (Data-Out): WRITE, MODE SELECT, ... */
    OUT
}
