package org.jstgt.api;

/**
 * Configuration Admin factory PIDs. A file {@code etc/<factoryPid>-<name>.cfg} creates one instance;
 * {@code <name>} is how configurations refer to each other. Factory PIDs contain no {@code -}
 * because Felix FileInstall splits file names at the first dash.
 */
public final class Pids {
    /** A listening portal group: {@code listen}, {@code tag}. */
    public static final String PORTAL = "jstgt.portal";
    /** A target: {@code iqn}, {@code portals}, {@code lun.N}, negotiation limits. */
    public static final String TARGET = "jstgt.target";
    /** A logical unit: device type, store type and their keys. */
    public static final String LUN = "jstgt.lun";
    /**
     * A CHAP credential set ({@code etc/jstgt.auth-<name>.cfg}): {@code chap.user},
     * {@code chap.secret}, {@code mutual.user}, {@code mutual.secret}; targets name the sets they
     * accept in {@code auth.groups}.
     */
    public static final String AUTH = "jstgt.auth";
    /**
     * The discovery policy (a singleton PID, {@code etc/jstgt.discovery.cfg}): {@code auth},
     * {@code auth.groups} for SendTargets sessions.
     */
    public static final String DISCOVERY = "jstgt.discovery";

    /**
     * Property FileInstall puts on configurations it created: the URL of the file. Used to name the
     * file in error messages.
     */
    public static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private Pids() {
    }

    /**
     * The instance name of a factory configuration created from {@code etc/<factoryPid>-<name>.cfg}:
     * the {@code name} key when present, otherwise taken from the FileInstall file name, otherwise
     * the PID.
     *
     * @param factoryPid the factory PID
     * @param properties the configuration's properties
     * @return the name, never null
     */
    public static String instanceName(String factoryPid, java.util.Map<String, ?> properties) {
        Object explicit = properties.get("name");
        if (explicit != null && !explicit.toString().isBlank()) {
            return explicit.toString().trim();
        }
        Object file = properties.get(FILEINSTALL_FILENAME);
        if (file != null) {
            String f = file.toString();
            int slash = f.lastIndexOf('/');
            String base = f.substring(slash + 1);
            String prefix = factoryPid + "-";
            if (base.startsWith(prefix) && base.endsWith(".cfg")) {
                return base.substring(prefix.length(), base.length() - ".cfg".length());
            }
        }
        Object pid = properties.get("service.pid");
        return pid == null ? "?" : pid.toString();
    }

    /**
     * Where a configuration came from, for error messages: the file name when FileInstall made it,
     * else the PID.
     *
     * @param properties the configuration's properties
     * @return a human readable origin
     */
    public static String origin(java.util.Map<String, ?> properties) {
        Object file = properties.get(FILEINSTALL_FILENAME);
        if (file != null) {
            String f = file.toString();
            return f.startsWith("file:") ? f.substring("file:".length()) : f;
        }
        Object pid = properties.get("service.pid");
        return pid == null ? "(unknown configuration)" : pid.toString();
    }
}
