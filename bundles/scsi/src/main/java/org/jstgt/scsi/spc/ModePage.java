package org.jstgt.scsi.spc;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One mode page (SPC-4 §7.5.7): its code, subpage and parameter bytes (those after the page
 * header) for current, changeable, default and, when the page is saveable, saved values.
 * {@link ModeSense} adds the page_0 or sub_page header; {@link ModeValues} keeps the values of a
 * page that MODE SELECT changes.
 */
public final class ModePage {
    private final int pageCode;
    private final int subpageCode;
    private final Supplier<byte[]> current;
    private final byte[] changeable;
    private final Supplier<byte[]> defaults;
    /** Null when the page cannot be saved. */
    private final Supplier<byte[]> saved;

    /**
     * @param pageCode PAGE CODE 00h-3Eh
     * @param subpageCode SUBPAGE CODE, 0 for a page_0 format page, 01h-FEh otherwise
     * @param current current parameter bytes, computed on each request (state such as WCE may change)
     * @param changeable the changeable-values mask; zeros when MODE SELECT cannot change anything
     * @param defaults default parameter bytes
     */
    public ModePage(int pageCode, int subpageCode, Supplier<byte[]> current, byte[] changeable,
            Supplier<byte[]> defaults) {
        this(pageCode, subpageCode, current, changeable, defaults, null);
    }

    /**
     * @param pageCode PAGE CODE 00h-3Eh
     * @param subpageCode SUBPAGE CODE, 0 for a page_0 format page, 01h-FEh otherwise
     * @param current current parameter bytes, computed on each request
     * @param changeable the changeable-values mask
     * @param defaults default parameter bytes
     * @param saved saved parameter bytes, or null when the page is not saveable (PS 0)
     */
    public ModePage(int pageCode, int subpageCode, Supplier<byte[]> current, byte[] changeable,
            Supplier<byte[]> defaults, Supplier<byte[]> saved) {
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
        this.saved = saved;
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

    /** @return PS: the page has saved values (SPC-4 §7.5.7) */
    public boolean saveable() {
        return saved != null;
    }

    /** @return the PAGE LENGTH: the number of parameter bytes after the header */
    public int parameterLength() {
        return changeable.length;
    }

    /** @return the changeable-values mask */
    public byte[] changeable() {
        return changeable.clone();
    }

    /** @return the current parameter bytes */
    public byte[] current() {
        return current.get();
    }

    /**
     * The page with its header: page_0 (byte 0 PS (7), SPF (6) = 0, PAGE CODE; byte 1 PAGE
     * LENGTH) or sub_page (PS, SPF = 1; byte 1 SUBPAGE CODE; bytes 2-3 PAGE LENGTH).
     *
     * @param pc which values
     * @return the bytes
     * @throws IllegalArgumentException for SAVED on a page that is not saveable
     */
    public byte[] render(PageControl pc) {
        byte[] params = switch (pc) {
            case CURRENT -> current.get();
            case CHANGEABLE -> changeable.clone();
            case DEFAULT -> defaults.get();
            case SAVED -> {
                if (saved == null) {
                    throw new IllegalArgumentException(String.format("mode page %02Xh has no saved values", pageCode));
                }
                yield saved.get();
            }
        };
        int ps = saved == null ? 0 : 0x80;
        if (subpageCode == 0) {
            byte[] d = new byte[2 + params.length];
            d[0] = (byte) (ps | pageCode);
            d[1] = (byte) params.length;
            System.arraycopy(params, 0, d, 2, params.length);
            return d;
        }
        byte[] d = new byte[4 + params.length];
        d[0] = (byte) (ps | 0x40 | pageCode);
        d[1] = (byte) subpageCode;
        Bytes.putU16(d, 2, params.length);
        System.arraycopy(params, 0, d, 4, params.length);
        return d;
    }
}
