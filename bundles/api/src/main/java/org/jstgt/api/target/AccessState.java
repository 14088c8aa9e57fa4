package org.jstgt.api.target;

import java.util.Locale;
import java.util.Optional;

/**
 * The asymmetric access state of a target port group (SPC-4 §5.16.2.4; ASYMMETRIC ACCESS STATE of
 * REPORT TARGET PORT GROUPS, §6.36): which commands a logical unit accepts through the target ports
 * of the group. In iSCSI a portal group (the portal files of one {@code tag}) is one target port
 * group; its state is the portal key {@value #PORTAL_KEY}.
 */
public enum AccessState {
    /** Every command, at full performance (code 0h). */
    ACTIVE_OPTIMIZED(0x0, "active/optimized"),
    /** Every command, possibly slower than through an optimized port (code 1h). */
    ACTIVE_NON_OPTIMIZED(0x1, "active/non-optimized"),
    /** Only the commands of SPC-4 §5.16.2.4.4; others get NOT READY, 04h/0Bh (code 2h). */
    STANDBY(0x2, "standby"),
    /** Only the commands of SPC-4 §5.16.2.4.5; others get NOT READY, 04h/0Ch (code 3h). */
    UNAVAILABLE(0x3, "unavailable"),
    /** Only the commands of SPC-4 §5.16.2.4.6; others get NOT READY, 04h/0Ah (code Fh). */
    TRANSITIONING(0xF, "transitioning");

    /** The portal configuration key holding the state of the portal's group. */
    public static final String PORTAL_KEY = "alua.state";
    /** The portal configuration key of the PREF bit of the portal's group (true or false). */
    public static final String PREFERRED_KEY = "alua.preferred";

    private final int code;
    private final String configName;

    AccessState(int code, String configName) {
        this.code = code;
        this.configName = configName;
    }

    /** @return the ASYMMETRIC ACCESS STATE code (SPC-4 §6.36) */
    public int code() {
        return code;
    }

    /** @return the spelling of the configuration files and the shell, e.g. {@code active/non-optimized} */
    public String configName() {
        return configName;
    }

    /** @return true for the active states, which allow every command (SPC-4 §5.16.2.4.2, §5.16.2.4.3) */
    public boolean active() {
        return this == ACTIVE_OPTIMIZED || this == ACTIVE_NON_OPTIMIZED;
    }

    /**
     * Reads a state as configurations and the shell write it: the {@link #configName()} in any
     * case, its words separated by {@code /}, {@code -}, {@code _} or a space
     * ({@code active/optimized}, {@code Active-Optimized}, {@code active_non_optimized}).
     *
     * @param text the text, may be null
     * @return the state, or empty when the text names none
     */
    public static Optional<AccessState> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String words = text.trim().toLowerCase(Locale.ROOT).replaceAll("[/_ ]", "-");
        for (AccessState s : values()) {
            if (s.configName.replace('/', '-').equals(words)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** @return every state's {@link #configName()}, comma separated, for messages */
    public static String spellings() {
        StringBuilder sb = new StringBuilder();
        for (AccessState s : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(s.configName);
        }
        return sb.toString();
    }
}
