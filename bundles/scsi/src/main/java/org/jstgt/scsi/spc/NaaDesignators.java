package org.jstgt.scsi.spc;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.LunSpec;

/**
 * The logical unit's NAA designators (SPC-4 §7.8.6.6). Every unit has the 8-byte NAA 3h (locally
 * assigned) identifier of {@link LunSpec#naaId()}. With an IEEE company identifier configured
 * ({@value #KEY}, the OUI the administrator's organisation holds; jstgt has none of its own, and a
 * made-up one could collide with a real vendor's devices) it also has a 16-byte NAA 6h designator,
 * IEEE Registered Extended: NAA 6h, the 24-bit IEEE COMPANY_ID, a VENDOR SPECIFIC IDENTIFIER of 0,
 * and the locally assigned 60 bits as the VENDOR SPECIFIC IDENTIFIER EXTENSION, so that each
 * designator names the unit the other names (EXTENDED COPY accepts either).
 */
public final class NaaDesignators {
    /** LUN key: IEEE COMPANY_ID (OUI) for the NAA 6h designator, six hexadecimal digits. */
    public static final String KEY = "naa.company.id";

    private NaaDesignators() {
    }

    /**
     * @param value the {@value #KEY} value, or null
     * @return the company identifier, or -1 when the key is absent or blank
     * @throws ConfigException naming {@value #KEY} when not six hexadecimal digits
     */
    public static int companyId(String value) throws ConfigException {
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.trim();
        if (v.startsWith("0x") || v.startsWith("0X")) {
            v = v.substring(2);
        }
        v = v.replace("-", "").replace(":", "");
        if (!v.matches("[0-9A-Fa-f]{6}")) {
            throw new ConfigException(KEY, "'" + value + "' is not an IEEE company identifier (OUI): six "
                    + "hexadecimal digits, e.g. AC-DE-48");
        }
        return Integer.parseInt(v, 16);
    }

    /**
     * @param spec the unit
     * @return the 16-byte NAA 6h designator, or null when no company identifier is configured (or
     *     the configured one does not parse: the core refuses such a configuration before a unit
     *     is built)
     */
    public static byte[] registeredExtended(LunSpec spec) {
        int company;
        try {
            company = companyId(spec.property(KEY, ""));
        } catch (ConfigException e) {
            return null;
        }
        return company < 0 ? null : registeredExtended(company, spec.naaId());
    }

    /**
     * @param company IEEE COMPANY_ID, 24 bits
     * @param naaId the unit's NAA 3h identifier
     * @return the 16-byte NAA 6h designator
     */
    public static byte[] registeredExtended(int company, long naaId) {
        byte[] d = new byte[16];
        // byte 0: NAA (7-4) 6h, COMPANY_ID bits 23-20; bytes 1-2: bits 19-4; byte 3: bits 3-0 (7-4),
        // VENDOR SPECIFIC IDENTIFIER bits 35-32 (3-0); bytes 4-7: its bits 31-0 (0 here)
        d[0] = (byte) (0x60 | ((company >>> 20) & 0x0F));
        d[1] = (byte) (company >>> 12);
        d[2] = (byte) (company >>> 4);
        d[3] = (byte) ((company & 0x0F) << 4);
        Bytes.putU64(d, 8, naaId & 0x0FFF_FFFF_FFFF_FFFFL);
        return d;
    }

    /**
     * @param designator a 16-byte NAA 6h designator
     * @return the NAA 3h identifier of the unit it names if jstgt made it, for a lookup whose result
     *     must then be compared with {@link #registeredExtended(LunSpec)} of that unit
     */
    public static long localIdOf(byte[] designator) {
        long ext = 0;
        for (int i = 8; i < 16; i++) {
            ext = (ext << 8) | (designator[i] & 0xFF);
        }
        return 0x3000_0000_0000_0000L | (ext & 0x0FFF_FFFF_FFFF_FFFFL);
    }
}
