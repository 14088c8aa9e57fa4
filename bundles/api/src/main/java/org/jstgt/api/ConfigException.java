package org.jstgt.api;

/**
 * A configuration value that cannot be used. Carries the key so the log and the shell can name the
 * file and key.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** @return the offending configuration key */
    public String key() {
        return key;
    }
}
