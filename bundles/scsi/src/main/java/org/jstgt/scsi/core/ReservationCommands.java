package org.jstgt.scsi.core;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.pr.Outcome;
import org.jstgt.scsi.pr.PrEngine;
import org.jstgt.scsi.pr.PrIn;
import org.jstgt.scsi.pr.PrOutRequest;
import org.jstgt.scsi.pr.PrState;
import org.jstgt.scsi.pr.Spc2;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;

/**
 * The reservation commands the core answers for every logical unit, taken before the unit's parse:
 * PERSISTENT RESERVE IN (5Eh) and OUT (5Fh), RESERVE(6)/(10) (16h, 56h) and RELEASE(6)/(10) (17h,
 * 57h). They get descriptors of the core's own that go through the unit attention check, the task
 * set and {@link Execution} like the unit's, so ordering and task management apply to them; each
 * decides its conflicts itself when it runs, against the LU's {@link PrEngine}.
 */
final class ReservationCommands {
    static final int PERSISTENT_RESERVE_IN = 0x5E;
    static final int PERSISTENT_RESERVE_OUT = 0x5F;

    private ReservationCommands() {
    }

    /** @return true for the opcodes answered here */
    static boolean handles(int opcode) {
        return opcode == PERSISTENT_RESERVE_IN || opcode == PERSISTENT_RESERVE_OUT || opcode == Spc2.RESERVE_6
                || opcode == Spc2.RELEASE_6 || opcode == Spc2.RESERVE_10 || opcode == Spc2.RELEASE_10;
    }

    /**
     * The parse step of a command: the core's descriptor for a reservation command, the unit's for
     * any other.
     *
     * @param lun the command's LU
     * @param nexus its I_T nexus
     * @param task the command
     * @param unit the LU's unit
     * @return the descriptor
     * @throws ScsiException a bad CDB field
     */
    static CommandDescriptor parse(LunRuntime lun, NexusImpl nexus, ScsiTask task, LogicalUnit unit)
            throws ScsiException {
        Cdb cdb = task.cdb();
        return switch (cdb.opcode()) {
            case PERSISTENT_RESERVE_IN -> in(lun.reservations, PrIn.parseCdb(cdb));
            case PERSISTENT_RESERVE_OUT -> out(lun, nexus, PrOutRequest.parseCdb(cdb));
            case Spc2.RESERVE_6, Spc2.RESERVE_10, Spc2.RELEASE_6, Spc2.RELEASE_10 -> {
                Spc2.checkCdb(cdb);
                yield spc2(lun.reservations, nexus, Spc2.reserves(cdb.opcode()));
            }
            default -> unit.parse(task);
        };
    }

    /** PERSISTENT RESERVE IN: the data of the state when it runs, cut at the allocation length. */
    private static CommandDescriptor in(PrEngine engine, PrIn.Command c) {
        int alloc = c.allocationLength();
        return Commands.command(alloc == 0 ? DataDirection.NONE : DataDirection.IN, alloc, task -> {
            PrState s = engine.state();
            if (s.spc2Holder() != null) {
                // SPC-2 §5.5.1 (SPC-4 §5.13.3): a RESERVE makes every PERSISTENT RESERVE IN conflict
                return ReservationEffects.CONFLICT;
            }
            return CompletableFuture.completedFuture(
                    CommandResult.good(CdbChecks.truncate(task, PrIn.data(s, c, engine.survivesRestart()), alloc)));
        });
    }

    /**
     * PERSISTENT RESERVE OUT: the parameter list (PARAMETER LIST LENGTH bytes; less Data-Out is a
     * PARAMETER LIST LENGTH ERROR), the engine's change, then its unit attentions, aborts and save.
     */
    private static CommandDescriptor out(LunRuntime lun, NexusImpl nexus, PrOutRequest.Command c) {
        int length = c.parameterListLength();
        return Commands.command(length == 0 ? DataDirection.NONE : DataDirection.OUT, length, task -> {
            ByteBuffer data = length == 0 ? ByteBuffer.allocate(0) : task.dataOut();
            if (data.remaining() < length) {
                throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR,
                        data.remaining() + " of " + length + " bytes");
            }
            byte[] list = new byte[length];
            data.duplicate().get(list);
            PrOutRequest r = PrOutRequest.parse(c, list, lun.reservations.survivesRestart());
            Outcome o = lun.reservations.persistentReserveOut(nexus.itNexus, r);
            boolean abort = c.serviceAction() == PrOutRequest.PREEMPT_AND_ABORT;
            return ReservationEffects.complete(lun, nexus, task, o, abort);
        });
    }

    /** RESERVE or RELEASE (SPC-2 §7.21, §7.24). */
    private static CommandDescriptor spc2(PrEngine engine, NexusImpl nexus, boolean reserve) {
        return Commands.command(DataDirection.NONE, 0, task -> (reserve ? engine.reserve(nexus.itNexus)
                : engine.release(nexus.itNexus)).conflict() ? ReservationEffects.CONFLICT : ReservationEffects.GOOD);
    }
}
