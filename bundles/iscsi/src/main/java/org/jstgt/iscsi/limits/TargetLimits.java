package org.jstgt.iscsi.limits;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The per-target bounds of {@code etc/jstgt.target-<name>.cfg}. */
public final class TargetLimits {
    private static final Logger LOG = LoggerFactory.getLogger(TargetLimits.class);

    /** Normal sessions the target holds at once; a new one over it gets login status 0x0302. */
    public static final Setting SESSIONS_MAX = new Setting("sessions.max", 1, 65535, 64);

    private TargetLimits() {
    }

    /**
     * @param properties the target configuration
     * @param origin its file, for messages
     * @return {@code sessions.max}, validated (a bad value is logged with the file and key)
     */
    public static int maxSessions(Map<String, String> properties, String origin) {
        return SESSIONS_MAX.read(properties, origin, LOG::warn);
    }
}
