package org.jstgt.api.scsi;

/** SAM-5 task attribute (iSCSI SCSI Command PDU byte 1 bits 0-2, RFC 7143 §11.3.1). */
public enum TaskAttribute {
    UNTAGGED, SIMPLE, ORDERED, HEAD_OF_QUEUE, ACA;

    /**
     * @param attr the 3-bit ATTR field
     * @return the attribute; reserved values (5-7) map to ORDERED, the one that assumes nothing
     *     about what may run beside the command
     */
    public static TaskAttribute fromIscsi(int attr) {
        return switch (attr & 7) {
            case 0 -> UNTAGGED;
            case 1 -> SIMPLE;
            case 2 -> ORDERED;
            case 3 -> HEAD_OF_QUEUE;
            case 4 -> ACA;
            default -> ORDERED;
        };
    }
}
