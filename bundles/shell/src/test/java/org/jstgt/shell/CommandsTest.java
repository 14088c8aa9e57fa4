package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The annotations Karaf's command extender reads: scope, name, service marker, options. */
class CommandsTest {

    @ParameterizedTest
    @CsvSource({
        "org.jstgt.shell.LunListCommand, lun-list",
        "org.jstgt.shell.TargetListCommand, target-list",
        "org.jstgt.shell.PortalListCommand, portal-list",
        "org.jstgt.shell.SessionListCommand, session-list",
    })
    void commandIsARegisteredIscsiCommandWithNoFormatOption(String className, String name) throws Exception {
        Class<?> c = Class.forName(className);
        assertTrue(Action.class.isAssignableFrom(c));
        assertNotNull(c.getAnnotation(Service.class), "@Service makes Karaf register it");
        Command cmd = c.getAnnotation(Command.class);
        assertEquals("iscsi", cmd.scope());
        assertEquals(name, cmd.name());
        assertFalse(cmd.description().isBlank());
        Option noFormat = c.getDeclaredField("noFormat").getAnnotation(Option.class);
        assertEquals("--no-format", noFormat.name());
        assertEquals(List.of(), List.of(noFormat.aliases()));
    }
}
