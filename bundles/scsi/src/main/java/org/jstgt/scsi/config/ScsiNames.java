package org.jstgt.scsi.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jstgt.api.ConfigException;

/** iSCSI name validation (RFC 3720 §3.2.6, carried into RFC 7143 §4.2.7). */
public final class ScsiNames {
    /**
     * {@code iqn.yyyy-mm.<reversed domain>[:<anything>]} (§3.2.6.3.1). After stringprep (RFC 3722)
     * only lower-case letters, digits, '-', '.' and ':' remain of ASCII; we accept ASCII only.
     */
    private static final Pattern IQN = Pattern.compile(
            "iqn\\.\\d{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]*)?");
    /** {@code eui.} + 16 hex digits (§3.2.6.3.2). */
    private static final Pattern EUI = Pattern.compile("eui\\.[0-9a-f]{16}");
    /** {@code naa.} + 16 or 32 hex digits (RFC 3980). */
    private static final Pattern NAA = Pattern.compile("naa\\.([0-9a-f]{16}|[0-9a-f]{32})");
    /** Names are at most 223 bytes (§3.2.6.1). */
    public static final int MAX_BYTES = 223;

    private ScsiNames() {
    }

    /**
     * @param key the configuration key, for the error
     * @param name the name as written
     * @return the normalized (lower-case) name
     * @throws ConfigException when it is not a valid iSCSI name
     */
    public static String validate(String key, String name) throws ConfigException {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new ConfigException(key, "'" + name + "' is longer than " + MAX_BYTES + " bytes (RFC 3720 §3.2.6.1)");
        }
        if (IQN.matcher(n).matches() || EUI.matcher(n).matches() || NAA.matcher(n).matches()) {
            return n;
        }
        throw new ConfigException(key, "'" + name + "' is not an iSCSI name: expected iqn.yyyy-mm.reversed.domain[:id], "
                + "eui.<16 hex digits> or naa.<16 or 32 hex digits> (RFC 3720 §3.2.6)");
    }
}
