package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.target.AccessState;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.api.target.TargetRegistry;
import org.jstgt.testkit.ConfigProps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ALUA keys of portal files (alua.state, alua.preferred): validation, portal groups whose files
 * disagree, and what the fabric tells the SCSI core, in place when only those keys change.
 */
class AluaPortalTest {
    private static final String FILE = "/opt/jstgt/etc/jstgt.portal-lan.cfg";

    /** A registry that records each publication of the portal groups. */
    private static final class Recording implements TargetRegistry {
        final List<List<PortalGroup>> published = new CopyOnWriteArrayList<>();

        @Override
        public List<ScsiTarget> targets() {
            return List.of();
        }

        @Override
        public Optional<ScsiTarget> target(String iqn) {
            return Optional.empty();
        }

        @Override
        public void portalGroups(List<PortalGroup> portals) {
            published.add(portals);
        }

        List<PortalGroup> last() {
            return published.get(published.size() - 1);
        }
    }

    private static PortalAccess read(List<String> messages, String... kv) {
        return PortalAccess.from(ConfigProps.fromFile("jstgt.portal-lan.cfg", kv), FILE, messages::add);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"active/optimized, ACTIVE_OPTIMIZED", "Active-Optimized, ACTIVE_OPTIMIZED",
        "active/non-optimized, ACTIVE_NON_OPTIMIZED", "active_non_optimized, ACTIVE_NON_OPTIMIZED",
        "' standby ', STANDBY", "UNAVAILABLE, UNAVAILABLE", "transitioning, TRANSITIONING"})
    void statesAreReadInTheirDocumentedSpellings(String value, AccessState expected) {
        List<String> messages = new ArrayList<>();
        PortalAccess a = read(messages, "alua.state", value);
        assertEquals(expected, a.state());
        assertNull(a.problem());
        assertEquals(List.of(), messages);
    }

    @Test
    void withoutTheKeysTheGroupIsActiveOptimizedAndNotPreferred() {
        List<String> messages = new ArrayList<>();
        assertEquals(PortalAccess.DEFAULT, read(messages));
        assertEquals(new PortalAccess(AccessState.ACTIVE_OPTIMIZED, true, null),
                read(messages, "alua.preferred", "TRUE"));
        assertEquals(List.of(), messages);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"stanby", "active", "active/optimised", "''", "0"})
    void aBadStateIsLoggedWithFileAndKeyAndFailsClosedToUnavailable(String value) {
        List<String> messages = new ArrayList<>();
        PortalAccess a = read(messages, "alua.state", value);
        assertEquals(AccessState.UNAVAILABLE, a.state(), "never the default active/optimized");
        assertEquals("alua.state: '" + value + "' is not a state", a.problem());
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).startsWith(FILE + ": key alua.state: '" + value + "' is not a state"),
                messages.get(0));
        assertTrue(messages.get(0).endsWith("the group is unavailable until the file is fixed"), messages.get(0));
    }

    @Test
    void aBadPreferenceIsLoggedAndNotPreferred() {
        List<String> messages = new ArrayList<>();
        PortalAccess a = read(messages, "alua.state", "standby", "alua.preferred", "yes please");
        assertEquals(new PortalAccess(AccessState.STANDBY, false, "alua.preferred: 'yes please' is not true or false"),
                a);
        assertEquals(List.of(FILE + ": key alua.preferred: 'yes please' is not true or false; the group is not "
                + "preferred"), messages);
    }

    @Test
    void onlyTheAluaKeysApplyInPlace() {
        Map<String, Object> before = ConfigProps.fromFile("jstgt.portal-lan.cfg", "listen", "127.0.0.1:3260",
                "tag", "2");
        assertTrue(PortalAccess.onlyAccessChanged(before, ConfigProps.override(before, "alua.state", "standby",
                "alua.preferred", "true")));
        assertFalse(PortalAccess.onlyAccessChanged(before, ConfigProps.override(before, "tag", "3")));
        assertFalse(PortalAccess.onlyAccessChanged(before, ConfigProps.override(before, "alua.state", "standby",
                "listen", "127.0.0.1:3261")));
        Map<String, Object> typed = new java.util.HashMap<>(before);
        typed.put("listen", new String[] {"127.0.0.1:3260"});
        Map<String, Object> typedAgain = new java.util.HashMap<>(before);
        typedAgain.put("listen", new Object[] {"127.0.0.1:3260"});
        assertTrue(PortalAccess.onlyAccessChanged(typed, typedAgain), "equal arrays are equal values");
    }

    @Test
    void portalFilesOfOneTagThatDisagreeAreNamedAndTheirGroupIsUnavailable() {
        Portal a = new Portal("a", "etc/jstgt.portal-a.cfg", 1, List.of());
        Portal a2 = new Portal("a2", "etc/jstgt.portal-a2.cfg", 1, List.of());
        Portal b = new Portal("b", "etc/jstgt.portal-b.cfg", 2, List.of());
        a.access = new PortalAccess(AccessState.STANDBY, false, null);
        b.access = new PortalAccess(AccessState.ACTIVE_NON_OPTIMIZED, true, null);
        List<String> messages = new ArrayList<>();
        List<PortalGroup> groups = PortalGroups.resolve(List.of(a, a2, b), messages::add);
        assertEquals(List.of(new PortalGroup("a", 1, AccessState.UNAVAILABLE, false),
                new PortalGroup("a2", 1, AccessState.UNAVAILABLE, false),
                new PortalGroup("b", 2, AccessState.ACTIVE_NON_OPTIMIZED, true)), groups);
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).startsWith("tag 1: etc/jstgt.portal-a.cfg says standby but etc/jstgt.portal-a2.cfg "
                + "says active/optimized"), messages.get(0));
        assertEquals("unavailable (portals of tag 1 disagree)", PortalGroups.column(a2, groups));
        assertEquals("active/non-optimized, preferred", PortalGroups.column(b, groups));
        a2.access = a.access;
        messages.clear();
        assertEquals(AccessState.STANDBY, PortalGroups.resolve(List.of(a, a2, b), messages::add).get(1).state());
        assertEquals(List.of(), messages);
    }

    @Test
    void theCoreIsToldOfEachPortalsGroupAndOfAStateChangeWithoutRebinding() {
        Recording registry = new Recording();
        IscsiServer server = new IscsiServer(registry, "nio");
        try (LogCapture log = new LogCapture()) {
            Map<String, Object> props = ConfigProps.fromFile("jstgt.portal-lan.cfg", "listen", "127.0.0.1:0", "tag",
                    "2", "alua.state", "standby");
            PortalComponent c = new PortalComponent(server, props);
            assertEquals(List.of(new PortalGroup("lan", 2, AccessState.STANDBY, false)), registry.last());
            PortalInfo before = server.portals().get(0);
            assertEquals("standby", before.alua());
            int told = registry.published.size();

            c.modified(ConfigProps.override(props, "alua.state", "active/non-optimized", "alua.preferred", "true"));
            assertEquals(told + 1, registry.published.size());
            assertEquals(List.of(new PortalGroup("lan", 2, AccessState.ACTIVE_NON_OPTIMIZED, true)), registry.last());
            PortalInfo after = server.portals().get(0);
            assertEquals(before.bound(), after.bound(), "the same listener: not re-bound");
            assertEquals("active/non-optimized, preferred", after.alua());

            c.modified(ConfigProps.override(props, "alua.state", "stanby"));
            assertEquals(List.of(new PortalGroup("lan", 2, AccessState.UNAVAILABLE, false)), registry.last());
            assertEquals("unavailable (alua.state: 'stanby' is not a state)", server.portals().get(0).alua());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("ERROR") && l.contains(
                    "/opt/jstgt/etc/jstgt.portal-lan.cfg: key alua.state: 'stanby' is not a state")),
                    () -> "" + log.lines());

            c.modified(ConfigProps.override(props, "tag", "3"));
            assertEquals(List.of(new PortalGroup("lan", 3, AccessState.STANDBY, false)), registry.last(),
                    "another key: the portal is opened again, with its ALUA keys");
            assertEquals(1, server.portals().size());
            c.deactivate();
            assertEquals(List.of(), registry.last());
        } finally {
            server.deactivate();
        }
    }

    @Test
    void aRegistryThatArrivesIsToldAtOnce() {
        Recording first = new Recording();
        IscsiServer server = new IscsiServer(first, "nio");
        try {
            PortalComponent c = new PortalComponent(server, ConfigProps.fromFile("jstgt.portal-lan.cfg", "listen",
                    "127.0.0.1:0", "alua.state", "unavailable"));
            Recording next = new Recording();
            server.bindRegistry(next);
            server.unbindRegistry(first);
            assertEquals(List.of(List.of(new PortalGroup("lan", 1, AccessState.UNAVAILABLE, false))), next.published);
            c.deactivate();
            assertEquals(List.of(), next.last());
            assertEquals(1, first.published.size(), "the registry that left heard nothing more");
        } finally {
            server.deactivate();
        }
    }
}
