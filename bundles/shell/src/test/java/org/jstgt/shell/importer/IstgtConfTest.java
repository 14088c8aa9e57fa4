package org.jstgt.shell.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** istgt's configuration syntax: sections, keys, quoting, continuation lines, and what is refused with file:line. */
class IstgtConfTest {

    @Test
    void sectionsKeysAndValuesAsIstgtReadsThem() throws Exception {
        IstgtConf c = IstgtConf.parse("x.conf", """
                # comment
                [global]
                  NodeBase "iqn.2007-09.jp.ne.peach.istgt"
                \t  Comment "two  words" 'single "q"' back\\ slash
                [PortalGroup12]
                  Portal DA1 192.168.2.36:3260 \\
                       # not a comment: a continued line
                  Portal DA2 [::1]:3260
                [GLOBAL]
                  Timeout 30
                """);
        assertEquals(2, c.sections().size(), "[GLOBAL] continues [global]");
        IstgtConf.Section g = c.section("Global").orElseThrow();
        assertEquals("global", g.name());
        assertEquals(2, g.line());
        assertEquals(0, g.number());
        assertEquals(List.of("iqn.2007-09.jp.ne.peach.istgt"), g.first("NODEBASE").orElseThrow().values());
        assertEquals(List.of("two  words", "single \"q\"", "back slash"), g.first("comment").orElseThrow().values());
        assertEquals(4, g.first("Comment").orElseThrow().line());
        assertEquals(10, g.first("Timeout").orElseThrow().line());
        IstgtConf.Section pg = c.section("PortalGroup").orElseThrow();
        assertEquals(12, pg.number());
        List<IstgtConf.Entry> portals = pg.all("portal");
        assertEquals(List.of("DA1", "192.168.2.36:3260", "#", "not", "a", "comment:", "a", "continued", "line"),
                portals.get(0).values());
        assertEquals(6, portals.get(0).line());
        assertEquals(8, portals.get(1).line(), "line numbers count the continued line");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[Global]\\n[Frobnicator1]\\n | x.conf:2: unknown section [Frobnicator1]: expected one of Global, UnitControl, "
            + "PortalGroup, InitiatorGroup, LogicalUnit, AuthGroup, followed by a group number where istgt needs one",
        "\\n[Global] trailing\\n | x.conf:2: broken section header '[Global] trailing': expected [Name] alone on the line",
        "[Global\\n | x.conf:1: broken section header '[Global': expected [Name] alone on the line",
        "# head\\nNodeBase x\\n | x.conf:2: 'NodeBase x' before any [section]",
        "[Global]\\n  NodeBase \"iqn.2007-09.x\\n | x.conf:2: unterminated \" quote",
        "[LogicalUnit1a]\\n | x.conf:1: unknown section [LogicalUnit1a]: expected one of Global, UnitControl, "
            + "PortalGroup, InitiatorGroup, LogicalUnit, AuthGroup, followed by a group number where istgt needs one",
    })
    void badLinesAreNamedByFileAndLine(String text, String message) {
        IstgtConf.ParseException e = assertThrows(IstgtConf.ParseException.class,
                () -> IstgtConf.parse("x.conf", text.replace("\\n", "\n")));
        assertEquals(message, e.getMessage());
    }
}
