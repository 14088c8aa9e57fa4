package org.jstgt.scsi.spc;

import java.util.Arrays;

/**
 * The values of one saveable mode page that MODE SELECT may change (SPC-4 §7.5.3): defaults and
 * changeable mask fixed at creation, current and saved values kept here. Only the changeable bits
 * of current and saved ever differ from the defaults. Thread-safe; reads take no lock (a command
 * path may ask for a bit on every command), writers replace the arrays under the object's lock.
 */
public final class ModeValues {
    private final int pageCode;
    private final int subpageCode;
    private final byte[] defaults;
    private final byte[] changeable;
    /** Never modified once published; replaced under this. */
    private volatile byte[] current;
    /** Never modified once published; replaced under this. */
    private volatile byte[] saved;

    /**
     * @param pageCode PAGE CODE 00h-3Eh
     * @param subpageCode SUBPAGE CODE, 0 for a page_0 format page
     * @param defaults default parameter bytes (after the page header); also the first current and saved values
     * @param changeable the changeable-values mask, as long as {@code defaults}
     */
    public ModeValues(int pageCode, int subpageCode, byte[] defaults, byte[] changeable) {
        if (defaults.length != changeable.length) {
            throw new IllegalArgumentException(String.format("mode page %02Xh: %d default bytes, %d mask bytes",
                    pageCode, defaults.length, changeable.length));
        }
        this.pageCode = pageCode;
        this.subpageCode = subpageCode;
        this.defaults = defaults.clone();
        this.changeable = changeable.clone();
        this.current = this.defaults;
        this.saved = this.defaults;
    }

    /** @return PAGE CODE */
    public int pageCode() {
        return pageCode;
    }

    /** @return SUBPAGE CODE */
    public int subpageCode() {
        return subpageCode;
    }

    /** @return the page as MODE SENSE shows it, PS set */
    public ModePage page() {
        return new ModePage(pageCode, subpageCode, this::current, changeable, defaults::clone, this::saved);
    }

    /** @return the current parameter bytes */
    public byte[] current() {
        return current.clone();
    }

    /** @return the saved parameter bytes */
    public byte[] saved() {
        return saved.clone();
    }

    /**
     * @param index parameter byte (0 is the byte after the page header)
     * @param mask bits
     * @return true when any of the bits is set in the current values
     */
    public boolean currentBit(int index, int mask) {
        return (current[index] & mask) != 0;
    }

    /**
     * Takes new current values; bits outside the changeable mask keep their value (MODE SELECT
     * checked that they were not changed).
     *
     * @param params the page's parameter bytes from a MODE SELECT parameter list
     * @return true when the current values changed
     */
    public synchronized boolean select(byte[] params) {
        byte[] next = merge(current, params);
        if (Arrays.equals(next, current)) {
            return false;
        }
        current = next;
        return true;
    }

    /** Makes the current values the saved ones (MODE SELECT with SP, SPC-4 §6.9). */
    public synchronized void save() {
        saved = current;
    }

    /**
     * Takes saved values read from non-volatile storage when the unit is created; they become the
     * current values too. Only the changeable bits are taken.
     *
     * @param values the saved parameter bytes
     * @return false (and nothing taken) when their length is not the page's
     */
    public synchronized boolean restore(byte[] values) {
        if (values.length != defaults.length) {
            return false;
        }
        saved = merge(defaults, values);
        current = saved;
        return true;
    }

    private byte[] merge(byte[] base, byte[] params) {
        byte[] next = base.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] = (byte) ((base[i] & ~changeable[i]) | (params[i] & changeable[i]));
        }
        return next;
    }
}
