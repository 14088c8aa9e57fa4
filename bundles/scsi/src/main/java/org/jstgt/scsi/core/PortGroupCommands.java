package org.jstgt.scsi.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.scsi.alua.AluaMode;
import org.jstgt.scsi.alua.GroupSnapshot;
import org.jstgt.scsi.alua.ReportTargetPortGroups;
import org.jstgt.scsi.alua.SetTargetPortGroups;
import org.jstgt.scsi.spc.Commands;

/**
 * REPORT TARGET PORT GROUPS and SET TARGET PORT GROUPS as the core runs them for every device
 * type, in place of the unit's parse: they go through the unit attention check, the admission
 * steps, the task set and execution as the unit's commands do. The target's {@code alua} key
 * decides whether they are offered (SPC-4 §6.6.2 TPGS); when not, the unit parses them and answers
 * as for any command it does not support.
 */
final class PortGroupCommands {
    private PortGroupCommands() {
    }

    /**
     * @return the command's descriptor, or null when it is neither command or the target does not
     *     offer it
     * @throws ScsiException for a bad CDB
     */
    static CommandDescriptor parse(AccessStates access, NexusImpl nexus, ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        int op = cdb.opcode();
        // both are service action 0Ah (byte 1 bits 4-0), of MAINTENANCE IN and MAINTENANCE OUT
        if (op != ReportTargetPortGroups.OPCODE && op != SetTargetPortGroups.OPCODE
                || (cdb.u8(1) & 0x1F) != ReportTargetPortGroups.SERVICE_ACTION) {
            return null;
        }
        int tpgs = nexus.targetPortGroupSupport();
        if (op == ReportTargetPortGroups.OPCODE) {
            return AluaMode.reports(tpgs) ? report(access, nexus, cdb) : null;
        }
        return AluaMode.sets(tpgs) ? set(access, nexus, cdb) : null;
    }

    private static CommandDescriptor report(AccessStates access, NexusImpl nexus, Cdb cdb) throws ScsiException {
        ReportTargetPortGroups.Request r = ReportTargetPortGroups.parse(cdb);
        return Commands.dataIn(r.allocationLength(), t -> {
            GroupSnapshot s = access.snapshot();
            List<GroupSnapshot.Group> groups = new ArrayList<>();
            for (int tag : groupsOf(nexus, s)) {
                groups.add(s.group(tag));
            }
            return ReportTargetPortGroups.data(groups, r.format());
        });
    }

    private static CommandDescriptor set(AccessStates access, NexusImpl nexus, Cdb cdb) throws ScsiException {
        int length = SetTargetPortGroups.parameterListLength(cdb);
        return Commands.parameterList(length, (t, list) -> {
            access.set(nexus, SetTargetPortGroups.parse(list, groupsOf(nexus, access.snapshot())));
            return CompletableFuture.completedFuture(null);
        });
    }

    /** @return the groups of the nexus's target: those of the portals it is offered on, and the nexus's own */
    private static int[] groupsOf(NexusImpl nexus, GroupSnapshot s) {
        return s.groupsOf(nexus.target().portals(), nexus.relativeTargetPortId);
    }
}
