package org.jstgt.scsi.core;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.target.AccessState;
import org.jstgt.api.target.PortalGroup;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.scsi.alua.AccessRules;
import org.jstgt.scsi.alua.AluaMode;
import org.jstgt.scsi.alua.GroupSnapshot;
import org.jstgt.scsi.alua.PortGroups;
import org.jstgt.scsi.alua.StateStore;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asymmetric logical unit access in the core (SPC-4 §5.16; the rules are in
 * {@link org.jstgt.scsi.alua}): the admission step that refuses what the state of a command's port
 * group does not allow, REPORT and SET TARGET PORT GROUPS ({@link PortGroupCommands}), and the
 * unit attentions of a state change. A nexus's port group is its relative target port identifier
 * (iSCSI: the portal group tag). A target with {@code alua = none} reports no asymmetric access
 * (TPGS 00b) and behaves as such: its nexuses are neither refused anything nor told of changes.
 */
public final class AccessStates {
    private static final Logger LOG = LoggerFactory.getLogger(AccessStates.class);
    /** ASYMMETRIC ACCESS STATE CHANGED (2Ah/06h, SPC-4 Annex D). */
    static final Sense CHANGED = Sense.of(SenseKey.UNIT_ATTENTION, 0x2A, 0x06);

    private final TargetMaps maps;
    private final PortGroups groups = new PortGroups();
    private volatile StateStore store = StateStore.NONE;

    AccessStates(TargetMaps maps) {
        this.maps = maps;
    }

    /** @param s where states set by SET TARGET PORT GROUPS are persisted; {@link StateStore#NONE} for nowhere */
    public void persistWith(StateStore s) {
        store = s == null ? StateStore.NONE : s;
    }

    /** @return the port groups now */
    GroupSnapshot snapshot() {
        return groups.snapshot();
    }

    /**
     * The fabric's portals and their groups' states (see
     * {@link org.jstgt.api.target.TargetRegistry#portalGroups}): a group whose state changed
     * raises ASYMMETRIC ACCESS STATE CHANGED on every nexus of the LUs reachable through it.
     *
     * @param portals every portal of the fabric
     */
    public void published(List<PortalGroup> portals) {
        Set<Integer> changed = groups.publish(portals);
        GroupSnapshot s = groups.snapshot();
        for (int tag : changed) {
            LOG.info("target port group {} ({}) is {} now", tag, s.portalsOf(tag), s.state(tag).configName());
        }
        raise(changed, null);
    }

    /**
     * The admission step after the unit attention check: one volatile read while every group is
     * active. A target without ALUA (TPGS 00b) is not refused anything.
     *
     * @return CHECK CONDITION, NOT READY, LOGICAL UNIT NOT ACCESSIBLE when the state of the nexus's
     *     port group does not allow the command (a command held for its unit leaves the LU), or
     *     null when it goes on
     */
    PreparedCommand admit(NexusImpl nexus, ScsiTask task, DeviceParse.Parsed parsed, SenseFormat format) {
        GroupSnapshot s = groups.snapshot();
        if (s.allActive() || nexus.targetPortGroupSupport() == 0) {
            return null;
        }
        Sense refused = AccessRules.refusal(s.state(nexus.relativeTargetPortId), task.cdb());
        if (refused == null) {
            return null;
        }
        if (parsed.ended() != null) {
            parsed.ended().abandon();
        }
        return new Prepared.Immediate(SenseRenderer.checkCondition(refused, format));
    }

    /**
     * @return REPORT or SET TARGET PORT GROUPS when the target offers it, else null (the unit parses)
     * @throws ScsiException for a bad CDB
     */
    CommandDescriptor parse(NexusImpl nexus, ScsiTask task) throws ScsiException {
        return PortGroupCommands.parse(this, nexus, task);
    }

    /**
     * SET TARGET PORT GROUPS took effect: the groups change for every target, every other nexus of
     * the LUs reachable through a changed group gets ASYMMETRIC ACCESS STATE CHANGED (SPC-4
     * §5.16.2.6), and the states are persisted.
     *
     * @param origin the nexus that sent the command
     * @param states the new state per group
     */
    void set(NexusImpl origin, Map<Integer, AccessState> states) {
        Set<Integer> changed = groups.set(states);
        GroupSnapshot s = groups.snapshot();
        states.forEach((tag, state) -> {
            List<String> portals = s.portalsOf(tag);
            LOG.info("target port group {} ({}) set to {} by SET TARGET PORT GROUPS from {}", tag, portals,
                    state.configName(), origin.initiatorPortName);
            store.save(tag, state, portals);
        });
        raise(changed, origin);
    }

    /**
     * ASYMMETRIC ACCESS STATE CHANGED on every nexus (but {@code except}) of every LU a changed group
     * reaches, through whichever target with ALUA and group it sees the LU.
     */
    private void raise(Set<Integer> tags, NexusImpl except) {
        if (tags.isEmpty()) {
            return;
        }
        GroupSnapshot s = groups.snapshot();
        List<ScsiTarget> targets = maps.targets();
        Set<LunRuntime> reached = new HashSet<>();
        for (ScsiTarget st : targets) {
            TargetRuntime t = (TargetRuntime) st;
            if (reaches(t, tags, s)) {
                t.map.forEach((n, l) -> reached.add(l));
            }
        }
        for (ScsiTarget st : targets) {
            TargetRuntime t = (TargetRuntime) st;
            if (t.config.alua() == AluaMode.NONE) {
                continue;
            }
            t.map.forEach((n, l) -> {
                if (reached.contains(l)) {
                    for (NexusImpl nexus : t.nexuses) {
                        if (nexus != except) {
                            nexus.unitAttention(n, CHANGED);
                        }
                    }
                }
            });
        }
    }

    /** @return true when the target has a port in one of the groups (offered there, or a nexus came through it) */
    private static boolean reaches(TargetRuntime t, Set<Integer> tags, GroupSnapshot s) {
        for (int tag : tags) {
            if (s.offers(t.portals(), tag)) {
                return true;
            }
        }
        for (NexusImpl n : t.nexuses) {
            if (tags.contains(n.relativeTargetPortId)) {
                return true;
            }
        }
        return false;
    }
}
