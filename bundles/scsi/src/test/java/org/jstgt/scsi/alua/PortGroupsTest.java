package org.jstgt.scsi.alua;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.target.AccessState;
import org.jstgt.api.target.PortalGroup;
import org.junit.jupiter.api.Test;

/** The port group states: published from the portal files, set by SET TARGET PORT GROUPS on top. */
class PortGroupsTest {
    private final PortGroups groups = new PortGroups();

    private static List<PortalGroup> portals(AccessState one, AccessState two) {
        return List.of(new PortalGroup("a", 1, one, true), new PortalGroup("a2", 1, one, true),
                new PortalGroup("b", 2, two, false));
    }

    @Test
    void beforeAnyPublicationEveryGroupIsActiveOptimized() {
        GroupSnapshot s = groups.snapshot();
        assertTrue(s.allActive());
        assertEquals(AccessState.ACTIVE_OPTIMIZED, s.state(7));
        assertEquals(new GroupSnapshot.Group(7, AccessState.ACTIVE_OPTIMIZED, false, GroupSnapshot.STATUS_NONE),
                s.group(7));
        assertArrayEquals(new int[] {7}, s.groupsOf(List.of(), 7));
    }

    @Test
    void publishedGroupsCarryTheirPortalsStatesAndPreference() {
        assertEquals(Set.of(2), groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.STANDBY)),
                "group 2 changed from the active/optimized of an unknown group");
        GroupSnapshot s = groups.snapshot();
        assertFalse(s.allActive());
        assertEquals(new GroupSnapshot.Group(1, AccessState.ACTIVE_OPTIMIZED, true, GroupSnapshot.STATUS_NONE),
                s.group(1));
        assertEquals(new GroupSnapshot.Group(2, AccessState.STANDBY, false, GroupSnapshot.STATUS_IMPLICIT),
                s.group(2));
        assertArrayEquals(new int[] {1, 2}, s.groupsOf(List.of(), 1), "a target on every portal");
        assertArrayEquals(new int[] {2}, s.groupsOf(List.of("b", "nosuch"), 2));
        assertArrayEquals(new int[] {1, 2}, s.groupsOf(List.of("a2"), 2), "the command's own group is listed too");
        assertEquals(List.of("a", "a2"), s.portalsOf(1));
        assertTrue(s.offers(List.of("a2"), 1));
        assertFalse(s.offers(List.of("a2"), 2));
        assertEquals(Set.of(), groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.STANDBY)),
                "the same again changes nothing");
    }

    @Test
    void portalsOfOneTagThatDisagreeMakeTheGroupUnavailable() {
        groups.publish(List.of(new PortalGroup("a", 1, AccessState.ACTIVE_OPTIMIZED, true),
                new PortalGroup("a2", 1, AccessState.STANDBY, false)));
        assertEquals(new GroupSnapshot.Group(1, AccessState.UNAVAILABLE, false, GroupSnapshot.STATUS_IMPLICIT),
                groups.snapshot().group(1));
    }

    @Test
    void aStateSetByTheCommandStandsUntilTheFilesSaySomethingElse() {
        groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.ACTIVE_OPTIMIZED));
        assertTrue(groups.snapshot().allActive());
        assertEquals(Set.of(2), groups.set(Map.of(2, AccessState.STANDBY, 1, AccessState.ACTIVE_OPTIMIZED)));
        assertEquals(new GroupSnapshot.Group(2, AccessState.STANDBY, false, GroupSnapshot.STATUS_EXPLICIT),
                groups.snapshot().group(2));
        assertEquals(GroupSnapshot.STATUS_EXPLICIT, groups.snapshot().group(1).status(),
                "named by the command, though its state did not change");
        // another portal changes before the files caught up: the files still say active/optimized
        assertEquals(Set.of(), groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.ACTIVE_OPTIMIZED)));
        assertEquals(AccessState.STANDBY, groups.snapshot().state(2));
        // the files caught up (the state was persisted): nothing changes, the status stays
        assertEquals(Set.of(), groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.STANDBY)));
        assertEquals(new GroupSnapshot.Group(2, AccessState.STANDBY, false, GroupSnapshot.STATUS_EXPLICIT),
                groups.snapshot().group(2));
        // an administrator sets another state: it wins, altered implicitly
        assertEquals(Set.of(2), groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.UNAVAILABLE)));
        assertEquals(new GroupSnapshot.Group(2, AccessState.UNAVAILABLE, false, GroupSnapshot.STATUS_IMPLICIT),
                groups.snapshot().group(2));
    }

    @Test
    void anOverrideOfAnAdministratorsChangeGivesWayToTheNextChange() {
        groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.STANDBY));
        groups.set(Map.of(2, AccessState.ACTIVE_NON_OPTIMIZED));
        assertEquals(Set.of(2), groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.TRANSITIONING)));
        assertEquals(AccessState.TRANSITIONING, groups.snapshot().state(2));
    }

    @Test
    void aGroupWhosePortalsCloseIsForgotten() {
        groups.publish(portals(AccessState.ACTIVE_OPTIMIZED, AccessState.STANDBY));
        groups.set(Map.of(2, AccessState.UNAVAILABLE));
        groups.publish(List.of(new PortalGroup("a", 1, AccessState.ACTIVE_OPTIMIZED, false)));
        GroupSnapshot s = groups.snapshot();
        assertTrue(s.allActive());
        assertEquals(GroupSnapshot.STATUS_NONE, s.group(2).status());
        assertEquals(List.of(), s.portalsOf(2));
    }
}
