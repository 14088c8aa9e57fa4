package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.karaf.shell.api.action.Command;
import org.junit.jupiter.api.Test;

/**
 * The command ACL the distribution and the {@code jstgt-shell} feature ship
 * (etc/org.apache.karaf.command.acl.iscsi.cfg): every {@code iscsi:*} command of this bundle has a
 * rule of its own, the read-only ones (lists, details, statistics) for {@code viewer}, every other
 * one for {@code admin}. A command added without its rule fails the build here.
 */
class CommandAclTest {
    private static final Path ACL = Path.of("..", "..", "etc", "org.apache.karaf.command.acl.iscsi.cfg");
    /** Commands issue 16 adds in other branches: their rules are in the file before they are merged. */
    private static final Set<String> ANNOUNCED = Set.of("lun-info", "target-info", "session-info",
            "session-logout", "lun-offline", "lun-online", "show", "stats");

    @Test
    void everyIscsiCommandHasAnExplicitRuleWithTheRoleItsKindNeeds() throws Exception {
        Map<String, List<String>> rules = rules();
        Map<String, String> commands = iscsiCommands();
        assertTrue(commands.size() >= 30, "the scan found the shell bundle's commands: " + commands.keySet());
        List<String> problems = new ArrayList<>();
        commands.forEach((name, className) -> {
            List<String> roles = rules.get(name);
            if (roles == null) {
                problems.add(name + " (" + className + "): no rule in " + ACL);
            } else if (!roles.equals(List.of(expectedRole(name)))) {
                problems.add(name + " (" + className + "): roles " + roles + ", expected " + expectedRole(name));
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void everyRuleNamesItsKindsRoleAndUnknownCommandsAreAdminOnly() throws IOException {
        Map<String, List<String>> rules = rules();
        assertEquals(List.of("admin"), rules.get("*"), "the catch-all rule: a command without a line is admin only");
        rules.forEach((name, roles) -> {
            if (!name.equals("*")) {
                assertEquals(List.of(expectedRole(name)), roles, "the rule of " + name);
            }
        });
        assertTrue(rules.keySet().containsAll(ANNOUNCED), "rules for " + ANNOUNCED + " in " + rules.keySet());
    }

    @Test
    void readOnlyCommandsAreTheListsDetailsAndStatistics() {
        for (String name : List.of("lun-list", "pr-list", "changer-status", "session-info", "show", "stats")) {
            assertEquals("viewer", expectedRole(name), name);
        }
        for (String name : List.of("lun-create", "session-logout", "lun-offline", "target-acl", "pr-clear",
                "discovery-auth", "import-istgt", "showcase")) {
            assertEquals("admin", expectedRole(name), name);
        }
    }

    /** @return viewer for a command that only reads (by its name), admin for any other */
    private static String expectedRole(String name) {
        boolean readOnly = name.endsWith("-list") || name.endsWith("-info") || name.endsWith("-status")
                || name.equals("show") || name.equals("stats");
        return readOnly ? "viewer" : "admin";
    }

    /** @return command name to its roles, as Karaf's ACL parser splits them (comma list, # comment) */
    private static Map<String, List<String>> rules() throws IOException {
        assertTrue(Files.isRegularFile(ACL), ACL.toAbsolutePath() + " is missing");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ACL, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, List<String>> rules = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key);
            int hash = value.indexOf('#');
            String roles = hash >= 0 ? value.substring(0, hash) : value;
            rules.put(key.trim(), Arrays.stream(roles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
        return rules;
    }

    /** @return name to class of every {@code @Command(scope = "iscsi")} class compiled from this bundle */
    private static Map<String, String> iscsiCommands() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(LunListCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> classNames = new TreeSet<>();
        try (Stream<Path> s = Files.walk(classes)) {
            s.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .forEach(f -> {
                        String rel = classes.relativize(f).toString();
                        classNames.add(rel.substring(0, rel.length() - ".class".length()).replace(f.getFileSystem()
                                .getSeparator(), "."));
                    });
        }
        Map<String, String> commands = new TreeMap<>();
        for (String name : classNames) {
            Command c = Class.forName(name, false, CommandAclTest.class.getClassLoader()).getAnnotation(Command.class);
            if (c != null && c.scope().equals("iscsi")) {
                String earlier = commands.put(c.name(), name);
                assertTrue(earlier == null, "iscsi:" + c.name() + " is declared by " + earlier + " and " + name);
            }
        }
        return commands;
    }
}
