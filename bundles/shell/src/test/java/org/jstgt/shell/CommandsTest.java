package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.junit.jupiter.api.Test;
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
        "org.jstgt.shell.ChapListCommand, chap-list",
        "org.jstgt.shell.ReservationListCommand, pr-list",
        "org.jstgt.shell.MediaListCommand, media-list",
        "org.jstgt.shell.ChangerStatusCommand, changer-status",
        "org.jstgt.shell.LunInfoCommand, lun-info",
        "org.jstgt.shell.TargetInfoCommand, target-info",
        "org.jstgt.shell.SessionInfoCommand, session-info",
        "org.jstgt.shell.ShowCommand, show",
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

    @ParameterizedTest
    @CsvSource({
        "org.jstgt.shell.ChapListCommand, chap-list",
        "org.jstgt.shell.ChapAddCommand, chap-add",
        "org.jstgt.shell.ChapRemoveCommand, chap-remove",
        "org.jstgt.shell.TargetAclCommand, target-acl",
        "org.jstgt.shell.TargetAuthCommand, target-auth",
        "org.jstgt.shell.DiscoveryAuthCommand, discovery-auth",
        "org.jstgt.shell.AluaSetCommand, alua-set",
        "org.jstgt.shell.MediaLoadCommand, media-load",
        "org.jstgt.shell.MediaEjectCommand, media-eject",
        "org.jstgt.shell.LunCreateCommand, lun-create",
        "org.jstgt.shell.LunDeleteCommand, lun-delete",
        "org.jstgt.shell.LunResizeCommand, lun-resize",
        "org.jstgt.shell.LunSetCommand, lun-set",
        "org.jstgt.shell.LunUnsetCommand, lun-unset",
        "org.jstgt.shell.LunMapCommand, lun-map",
        "org.jstgt.shell.LunUnmapCommand, lun-unmap",
        "org.jstgt.shell.TargetCreateCommand, target-create",
        "org.jstgt.shell.TargetDeleteCommand, target-delete",
        "org.jstgt.shell.PortalCreateCommand, portal-create",
        "org.jstgt.shell.PortalDeleteCommand, portal-delete",
        "org.jstgt.shell.AclAddCommand, acl-add",
        "org.jstgt.shell.AclRemoveCommand, acl-remove",
        "org.jstgt.shell.ImportIstgtCommand, import-istgt",
        "org.jstgt.shell.LunOfflineCommand, lun-offline",
        "org.jstgt.shell.LunOnlineCommand, lun-online",
    })
    void configurationCommandHasLongHelpSayingWhatItWrites(String className, String name) throws Exception {
        Class<?> c = Class.forName(className);
        assertNotNull(c.getAnnotation(Service.class));
        Command cmd = c.getAnnotation(Command.class);
        assertEquals("iscsi", cmd.scope());
        assertEquals(name, cmd.name());
        assertTrue(cmd.description().contains("etc/jstgt."), cmd.description());
        // Karaf loads classpath: help relative to the command class
        assertEquals("classpath:help/" + name + ".txt", cmd.detailedDescription());
        try (InputStream in = c.getResourceAsStream("help/" + name + ".txt")) {
            assertNotNull(in, "help/" + name + ".txt");
            String help = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(help.contains(name.startsWith("chap-list") ? "never printed" : "Config Admin"), help);
        }
        List<Field> fields = new java.util.ArrayList<>();
        for (Class<?> k = c; k != Object.class; k = k.getSuperclass()) {
            fields.addAll(List.of(k.getDeclaredFields())); // Karaf reads superclass arguments too
        }
        for (Field f : fields) {
            Argument a = f.getAnnotation(Argument.class);
            Option o = f.getAnnotation(Option.class);
            if (a != null) {
                assertFalse(a.description().isBlank(), f.getName());
                assertFalse(a.name().contains("secret"), "a secret is never a command-line argument");
            }
            if (o != null) {
                assertFalse(o.description().isBlank(), f.getName());
                assertTrue(!o.name().contains("secret") || o.name().endsWith("-file"), o.name());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "org.jstgt.shell.ChangerMoveCommand, changer-move",
        "org.jstgt.shell.CartridgeCreateCommand, cartridge-create",
        "org.jstgt.shell.LunInfoCommand, lun-info",
        "org.jstgt.shell.TargetInfoCommand, target-info",
        "org.jstgt.shell.SessionInfoCommand, session-info",
        "org.jstgt.shell.SessionLogoutCommand, session-logout",
        "org.jstgt.shell.ShowCommand, show",
    })
    void liveStateCommandHasLongHelp(String className, String name) throws Exception {
        Class<?> c = Class.forName(className);
        assertNotNull(c.getAnnotation(Service.class));
        Command cmd = c.getAnnotation(Command.class);
        assertEquals("iscsi", cmd.scope());
        assertEquals(name, cmd.name());
        assertEquals("classpath:help/" + name + ".txt", cmd.detailedDescription());
        try (InputStream in = c.getResourceAsStream("help/" + name + ".txt")) {
            assertNotNull(in, "help/" + name + ".txt");
            assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("Examples:"));
        }
    }

    @Test
    void mediaArgumentsComplete() throws Exception {
        for (Class<?> c : List.of(MediaLoadCommand.class, MediaEjectCommand.class, ChangerStatusCommand.class,
                ChangerMoveCommand.class)) {
            assertEquals(LunCompleter.class, c.getDeclaredField("lun").getAnnotation(Completion.class).value(),
                    c.getSimpleName());
        }
        assertEquals(ElementCompleter.class, ChangerMoveCommand.class.getDeclaredField("from")
                .getAnnotation(Completion.class).value());
        assertEquals(ElementCompleter.class, ChangerMoveCommand.class.getDeclaredField("to")
                .getAnnotation(Completion.class).value());
        assertEquals(org.apache.karaf.shell.support.completers.FileCompleter.class, MediaLoadCommand.class
                .getDeclaredField("image").getAnnotation(Completion.class).value());
    }

    @Test
    void namesAndTargetsComplete() throws Exception {
        for (Class<?> c : List.of(ChapAddCommand.class, ChapRemoveCommand.class)) {
            assertEquals(CredentialSetCompleter.class, c.getDeclaredField("name").getAnnotation(Completion.class)
                    .value());
        }
        assertEquals(TargetCompleter.class, TargetCommand.class.getDeclaredField("target").getAnnotation(Completion.class)
                .value());
        assertTrue(TargetCommand.class.isAssignableFrom(TargetAclCommand.class));
        assertTrue(TargetCommand.class.isAssignableFrom(TargetAuthCommand.class));
        assertEquals(List.of("none", "chap", "mutual"),
                List.of(TargetAuthCommand.class.getDeclaredField("policy").getAnnotation(Completion.class).values()));
        assertEquals(CredentialSetCompleter.class,
                TargetAuthCommand.class.getDeclaredField("groups").getAnnotation(Completion.class).value());
        assertEquals(List.of("none", "chap", "mutual"), List.of(DiscoveryAuthCommand.class.getDeclaredField("policy")
                .getAnnotation(Completion.class).values()));
        assertFalse(DiscoveryAuthCommand.class.getDeclaredField("policy").getAnnotation(Argument.class).required(),
                "without a policy it prints the current one");
        assertEquals(CredentialSetCompleter.class,
                DiscoveryAuthCommand.class.getDeclaredField("groups").getAnnotation(Completion.class).value());
        assertEquals(PortalCompleter.class, AluaSetCommand.class.getDeclaredField("portal")
                .getAnnotation(Completion.class).value());
        assertEquals(java.util.Arrays.stream(org.jstgt.api.target.AccessState.values())
                .map(org.jstgt.api.target.AccessState::configName).toList(),
                List.of(AluaSetCommand.class.getDeclaredField("state").getAnnotation(Completion.class).values()),
                "every state, as the files spell it");
        assertNotNull(PortalCompleter.class.getAnnotation(Service.class));
        assertNotNull(CredentialSetCompleter.class.getAnnotation(Service.class));
        assertNotNull(TargetCompleter.class.getAnnotation(Service.class));
    }

    @ParameterizedTest
    @CsvSource({
        "org.jstgt.shell.AuthCreateCommand, auth-create, org.jstgt.shell.ChapAddCommand",
        "org.jstgt.shell.AuthDeleteCommand, auth-delete, org.jstgt.shell.ChapRemoveCommand",
        "org.jstgt.shell.AuthListCommand, auth-list, org.jstgt.shell.ChapListCommand",
    })
    void authCommandsAreTheChapCommandsUnderTheNamesAdminsKnow(String className, String name, String chap)
            throws Exception {
        Class<?> c = Class.forName(className);
        Class<?> same = Class.forName(chap);
        assertEquals(same, c.getSuperclass(), "same options, arguments and behaviour");
        assertNotNull(c.getAnnotation(Service.class));
        Command cmd = c.getAnnotation(Command.class);
        assertEquals("iscsi", cmd.scope());
        assertEquals(name, cmd.name());
        assertTrue(cmd.description().contains("iscsi:" + same.getAnnotation(Command.class).name()), cmd.description());
        assertEquals(same.getAnnotation(Command.class).detailedDescription(), cmd.detailedDescription());
    }

    @Test
    void detailAndControlArgumentsComplete() throws Exception {
        for (Class<?> c : List.of(LunInfoCommand.class, LunOfflineCommand.class, LunOnlineCommand.class)) {
            Field f = c.getDeclaredField(c == LunInfoCommand.class ? "lun" : "name");
            assertEquals(LunCompleter.class, f.getAnnotation(Completion.class).value(), c.getSimpleName());
            assertTrue(f.getAnnotation(Argument.class).required());
        }
        assertEquals(TargetCompleter.class, TargetInfoCommand.class.getDeclaredField("target")
                .getAnnotation(Completion.class).value());
        for (Class<?> c : List.of(SessionInfoCommand.class, SessionLogoutCommand.class)) {
            assertEquals(SessionCompleter.class, c.getDeclaredField("tsih").getAnnotation(Completion.class).value());
        }
        assertNotNull(SessionCompleter.class.getAnnotation(Service.class));
    }
}
