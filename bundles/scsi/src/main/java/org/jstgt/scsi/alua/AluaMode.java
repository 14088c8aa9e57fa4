package org.jstgt.scsi.alua;

import java.util.Locale;
import java.util.Map;

import org.jstgt.api.ConfigException;

/**
 * The target key {@value #KEY}: which asymmetric logical unit access the target's logical units
 * report in the TPGS field of standard INQUIRY data (SPC-4 §6.6.2, byte 5 bits 5-4) and therefore
 * which of REPORT and SET TARGET PORT GROUPS they take (SPC-4 §5.16.1).
 */
public enum AluaMode {
    /** TPGS 00b: no ALUA; neither command is supported. */
    NONE(0b00, "none"),
    /** TPGS 01b: states change only by the target (configuration); REPORT TARGET PORT GROUPS only. */
    IMPLICIT(0b01, "implicit"),
    /** TPGS 10b: states change only by SET TARGET PORT GROUPS. */
    EXPLICIT(0b10, "explicit"),
    /** TPGS 11b: both. */
    BOTH(0b11, "both");

    /** The target configuration key. */
    public static final String KEY = "alua";
    /** Its value when absent. */
    public static final AluaMode DEFAULT = IMPLICIT;

    private final int tpgs;
    private final String configName;

    AluaMode(int tpgs, String configName) {
        this.tpgs = tpgs;
        this.configName = configName;
    }

    /** @return the TPGS field value, 0..3 */
    public int tpgs() {
        return tpgs;
    }

    /** @return the spelling of the configuration file */
    public String configName() {
        return configName;
    }

    /**
     * @param tpgs a TPGS field value
     * @return true when REPORT TARGET PORT GROUPS is supported (TPGS not 00b, SPC-4 §6.36)
     */
    public static boolean reports(int tpgs) {
        return (tpgs & 0b11) != 0;
    }

    /**
     * @param tpgs a TPGS field value
     * @return true when SET TARGET PORT GROUPS is supported (explicit ALUA: TPGS 10b or 11b, SPC-4 §6.44)
     */
    public static boolean sets(int tpgs) {
        return (tpgs & 0b10) != 0;
    }

    /**
     * @param props the target configuration as strings
     * @return the mode; {@link #DEFAULT} when the key is absent
     * @throws ConfigException naming the key when the value is none of the four
     */
    public static AluaMode parse(Map<String, String> props) throws ConfigException {
        String v = props.get(KEY);
        if (v == null) {
            return DEFAULT;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        for (AluaMode m : values()) {
            if (m.configName.equals(t)) {
                return m;
            }
        }
        throw new ConfigException(KEY, "'" + v + "' is not implicit, explicit, both or none");
    }
}
