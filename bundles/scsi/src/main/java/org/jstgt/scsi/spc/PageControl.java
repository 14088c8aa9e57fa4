package org.jstgt.scsi.spc;

/** PC field of MODE SENSE (SPC-4 §6.11.1, table 170). */
public enum PageControl {
    /** 00b: current values. */
    CURRENT,
    /** 01b: changeable values (a mask of what MODE SELECT may change). */
    CHANGEABLE,
    /** 10b: default values. */
    DEFAULT,
    /** 11b: saved values. */
    SAVED;

    /**
     * @param pc the 2-bit PC field
     * @return the value
     */
    public static PageControl of(int pc) {
        return values()[pc & 3];
    }
}
