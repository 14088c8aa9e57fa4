package org.jstgt.scsi.pr;

/** The persistent reservation types (SPC-4 §6.16.2, the TYPE field of PERSISTENT RESERVE OUT). */
public enum PrType {
    WRITE_EXCLUSIVE(0x1, "WE"),
    EXCLUSIVE_ACCESS(0x3, "EA"),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, "WE-RO"),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, "EA-RO"),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, "WE-AR"),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, "EA-AR");

    private final int code;
    private final String label;

    PrType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** @return the TYPE code */
    public int code() {
        return code;
    }

    /** @return the short name listings use (WE, EA-RO, ...) */
    public String label() {
        return label;
    }

    /**
     * @param code a TYPE code
     * @return the type, or null when the code names none
     */
    public static PrType of(int code) {
        for (PrType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** @return true for the Write Exclusive types, which let others read */
    public boolean writeExclusive() {
        return this == WRITE_EXCLUSIVE || this == WRITE_EXCLUSIVE_REGISTRANTS_ONLY
                || this == WRITE_EXCLUSIVE_ALL_REGISTRANTS;
    }

    /** @return true for the registrants only types */
    public boolean registrantsOnly() {
        return this == WRITE_EXCLUSIVE_REGISTRANTS_ONLY || this == EXCLUSIVE_ACCESS_REGISTRANTS_ONLY;
    }

    /** @return true for the all registrants types, whose holders are every registered I_T nexus */
    public boolean allRegistrants() {
        return this == WRITE_EXCLUSIVE_ALL_REGISTRANTS || this == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }
}
