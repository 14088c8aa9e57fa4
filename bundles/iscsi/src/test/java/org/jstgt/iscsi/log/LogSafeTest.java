package org.jstgt.iscsi.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void printableTextIsUnchanged() {
        assertEquals("iqn.2026-11.org.example:host1", LogSafe.of("iqn.2026-11.org.example:host1"));
        assertEquals("Zürich café", LogSafe.of("Zürich café"));
        assertEquals("null", LogSafe.of(null));
    }

    @Test
    void lineBreaksAndControlsCannotForgeLines() {
        String forged = LogSafe.of("iqn.x\r\n[main] ERROR forged line\ttab\0nul\u001b[31m\u007f\u0085");
        assertEquals("iqn.x\\r\\n[main] ERROR forged line\\ttab\\x00nul\\x1b[31m\\x7f\\u{0085}", forged);
        assertTrue(forged.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    }

    @Test
    void invisibleAndReorderingCharactersAreShown() {
        // U+202E RIGHT-TO-LEFT OVERRIDE, U+2028 LINE SEPARATOR, U+200B ZERO WIDTH SPACE
        assertEquals("a\\u{202e}b\\u{2028}c\\u{200b}", LogSafe.of("a\u202eb\u2028c\u200b"));
        // the escape character itself is escaped, so an escape in the log is never the peer's
        assertEquals("\\\\x0a", LogSafe.of("\\x0a"));
    }

    @Test
    void longValuesAreCutAtTheNameBound() {
        String cut = LogSafe.of("x".repeat(10_000));
        assertEquals("x".repeat(LogSafe.NAME) + "...", cut);
        assertEquals("y".repeat(LogSafe.NAME), LogSafe.of("y".repeat(LogSafe.NAME)), "exactly the bound: not cut");
        // the bound counts UTF-8 bytes and never splits a character or an escape
        String wide = LogSafe.of("é".repeat(200));
        assertEquals("é".repeat(111) + "...", wide);
        assertTrue(wide.getBytes(StandardCharsets.UTF_8).length <= LogSafe.NAME + 3);
        assertEquals("ab\\n...", LogSafe.of("ab\n\n", 5), "an escape that does not fit is left out whole");
        assertEquals(LogSafe.MESSAGE + 3, LogSafe.of("z".repeat(5000), LogSafe.MESSAGE).length());
    }
}
