package org.jstgt.iscsi.login;

import java.nio.charset.StandardCharsets;

/**
 * Value rules of known keys shared by login and Text negotiation, beyond the text syntax that
 * {@link org.jstgt.iscsi.text.TextKeys} checks for every pair.
 */
public final class KeyRules {
    /**
     * RFC 7143 §6.1: unless a key says otherwise, a simple-value is at most 255 bytes (the
     * delimiter, comma or NUL, not counted). None of the keys in {@link LoginKey} allows more; the
     * large binary values of the authentication exchanges (CHAP_C, CHAP_R, up to 1024 bytes) are
     * not LoginKeys and are the authenticator's to check.
     */
    static final int MAX_SIMPLE_VALUE = 255;

    private KeyRules() {
    }

    /**
     * Whether a known key's value is longer than §6.1 allows. Such a value is outside the key's
     * domain, so the key is answered {@code Reject} (RFC 7143 §6.2: an acceptor answers a value it
     * cannot accept with Reject) and the pair is otherwise ignored; the login or text exchange
     * goes on. A list (RFC 7143 §6.2.1) is checked value by value.
     *
     * @param key the key
     * @param value its value as received
     * @return true when it must be answered Reject
     */
    public static boolean valueTooLong(LoginKey key, String value) {
        if (key == LoginKey.INITIATOR_NAME || key == LoginKey.TARGET_NAME) {
            // iSCSI names: at most 223 bytes (RFC 7143 §4.2.7.1), checked where the name is used
            return false;
        }
        if (key.rule() == LoginKey.Rule.LIST) {
            for (String v : value.split(",", -1)) {
                if (bytes(v) > MAX_SIMPLE_VALUE) {
                    return true;
                }
            }
            return false;
        }
        return bytes(value) > MAX_SIMPLE_VALUE;
    }

    private static int bytes(String s) {
        // cheap bound first: UTF-8 needs at least one byte a char, at most three a UTF-16 unit
        if (s.length() * 3 <= MAX_SIMPLE_VALUE) {
            return s.length();
        }
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
