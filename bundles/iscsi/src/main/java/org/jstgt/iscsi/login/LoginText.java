package org.jstgt.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading what the leading Login Request says: a key's value, and whether an iSCSI name is valid. */
final class LoginText {
    private LoginText() {
    }

    /**
     * @param pairs the request's key=value pairs, in order
     * @param key the key
     * @return its first value, or null
     */
    static String find(List<Map.Entry<String, String>> pairs, LoginKey key) {
        for (Map.Entry<String, String> e : pairs) {
            if (e.getKey().equals(key.wire())) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * iSCSI names (RFC 7143 §4.2.7.1, §6.1): iqn., eui. or naa. forms, at most 223 bytes, without
     * control characters (RFC 3722 §6.1 prohibits them).
     *
     * @param name a name as sent
     * @return true when it may be used
     */
    static boolean validName(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > 223) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return false;
            }
        }
        String n = name.toLowerCase(Locale.ROOT);
        return n.startsWith("iqn.") && n.length() > 4 || n.startsWith("eui.") && n.length() == 20
                || n.startsWith("naa.") && (n.length() == 20 || n.length() == 36);
    }
}
