package org.jstgt.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** A target's settings are parsed once per configuration, not at every login. */
class TargetSettingsTest {

    @Test
    void aConfigurationIsParsedOnceAndAChangedOneAgain() {
        Map<String, String> bad = Map.of("queue.depth", "many", "auth", "chapp");
        TargetSettings first = TargetSettings.forTarget(bad, "/etc/jstgt.target-t.cfg");
        // every later login to the same configuration reuses it (and logs nothing again)
        assertSame(first, TargetSettings.forTarget(bad, "/etc/jstgt.target-t.cfg"));
        assertEquals(TargetSettings.DEFAULT_QUEUE_DEPTH, first.queueDepth());
        assertEquals(null, first.auth().method(), "an invalid auth value stays invalid: logins are refused");

        Map<String, String> fixed = Map.of("queue.depth", "32", "auth", "chap");
        TargetSettings second = TargetSettings.forTarget(fixed, "/etc/jstgt.target-t.cfg");
        assertNotSame(first, second);
        assertEquals(32, second.queueDepth());
        assertEquals("CHAP", second.auth().method());
        // another target's file is its own entry
        assertNotSame(second, TargetSettings.forTarget(fixed, "/etc/jstgt.target-u.cfg"));
    }

    @Test
    void targetResetIsOffUnlessTheTargetSaysTrue() {
        assertFalse(TargetSettings.from(Map.of(), "t").targetReset());
        assertTrue(TargetSettings.from(Map.of(TargetSettings.TMF_TARGET_RESET, " TRUE "), "t").targetReset());
        assertFalse(TargetSettings.from(Map.of(TargetSettings.TMF_TARGET_RESET, "false"), "t").targetReset());
        assertFalse(TargetSettings.from(Map.of(TargetSettings.TMF_TARGET_RESET, "1"), "t").targetReset(),
                "a bad value takes the default");
    }
}
