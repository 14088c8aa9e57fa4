package org.jstgt.scsi.spc;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One mode page (SPC-4 §7.5.7): its code, subpage and parameter bytes (those after the page
 * header) for current, changeable and default values. {@link ModeSense} adds the page_0 or
 * sub_page header. Saved values are not supported.
 */
public final class ModePage {
    private final int pageCode;
    private final int subpageCode;
    private final Supplier<byte[]> current;
    private final byte[] changeable;
    private final Supplier<byte[]> defaults;

    /**
     * @param pageCode PAGE CODE 00h-3Eh
     * @param subpageCode SUBPAGE CODE, 0 for a page_0 format page, 01h-FEh otherwise
     * @param current current parameter bytes, computed on each request (state such as WCE may change)
     * @param changeable the changeable-values mask; zeros when MODE SELECT cannot change anything
     * @param defaults default parameter bytes
     */
    public ModePage(int pageCode, int subpageCode, Supplier<byte[]> current, byte[] changeable,
            Supplier<byte[]> defaults) {
        if (pageCode < 0 || pageCode > 0x3E) {
            throw new IllegalArgumentException("page code " + pageCode + " is not 00h..3Eh");
        }
        if (subpageCode < 0 || subpageCode > 0xFE) {
            throw new IllegalArgumentException("subpage code " + subpageCode + " is not 00h..FEh");
        }
        this.pageCode = pageCode;
        this.subpageCode = subpageCode;
        this.current = Objects.requireNonNull(current);
        this.changeable = changeable.clone();
        this.defaults = Objects.requireNonNull(defaults);
    }

    /**
     * A page whose values MODE SELECT cannot change: default equals current, changeable all zero.
     *
     * @param pageCode PAGE CODE
     * @param current parameter bytes after the 2-byte page_0 header
     * @return the page
     */
    public static ModePage fixed(int pageCode, Supplier<byte[]> current) {
        int length = current.get().length;
        return new ModePage(pageCode, 0, current, new byte[length], current);
    }

    /** @return PAGE CODE */
    public int pageCode() {
        return pageCode;
    }

    /** @return SUBPAGE CODE (0 for page_0 format) */
    public int subpageCode() {
        return subpageCode;
    }

    /**
     * The page with its header: page_0 (byte 0 PS (7) = 0, SPF (6) = 0, PAGE CODE; byte 1 PAGE
     * LENGTH) or sub_page (SPF = 1; byte 1 SUBPAGE CODE; bytes 2-3 PAGE LENGTH).
     *
     * @param pc CURRENT, CHANGEABLE or DEFAULT
     * @return the bytes
     */
    public byte[] render(PageControl pc) {
        byte[] params = switch (pc) {
            case CURRENT -> current.get();
            case CHANGEABLE -> changeable.clone();
            case DEFAULT -> defaults.get();
            case SAVED -> throw new IllegalArgumentException("saved values are not supported");
        };
        if (subpageCode == 0) {
            byte[] d = new byte[2 + params.length];
            d[0] = (byte) pageCode;
            d[1] = (byte) params.length;
            System.arraycopy(params, 0, d, 2, params.length);
            return d;
        }
        byte[] d = new byte[4 + params.length];
        d[0] = (byte) (0x40 | pageCode);
        d[1] = (byte) subpageCode;
        Bytes.putU16(d, 2, params.length);
        System.arraycopy(params, 0, d, 4, params.length);
        return d;
    }
}
