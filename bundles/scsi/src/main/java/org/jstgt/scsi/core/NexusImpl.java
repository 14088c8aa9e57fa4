package org.jstgt.scsi.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.Queueing;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.TaskAttribute;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.PreparedCommand;
import org.jstgt.api.target.UnitAttentionListener;
import org.jstgt.scsi.pr.ItNexus;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.sense.SenseRenderer;
import org.jstgt.scsi.taskset.Place;
import org.jstgt.scsi.taskset.TaskSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An I_T nexus (SAM-5 §4.6.3): admits commands, keeps unit attentions, answers REPORT LUNS and
 * REQUEST SENSE. Lock-free on the command path except the per-nexus unit attention table.
 *
 * <p>Task attributes: a unit with concurrent queueing runs its commands through the LU's
 * {@link TaskSet} (SIMPLE, ORDERED, HEAD OF QUEUE honoured, bounded by {@code queue.depth}); a unit
 * with in-order queueing runs everything in arrival order. ACA is refused: no unit supports it.
 * The sense of a CHECK CONDITION is not kept for a later REQUEST SENSE: iSCSI delivers it with the
 * status (autosense, RFC 7143 §11.4.7).
 */
final class NexusImpl implements Nexus {
    private static final Logger LOG = LoggerFactory.getLogger(NexusImpl.class);
    private final TargetRuntime target;
    final String initiatorName;
    final String initiatorPortName;
    final String targetPortName;
    final int relativeTargetPortId;
    /** This nexus as reservations see it. */
    final ItNexus itNexus;
    private final UnitAttentions attentions = new UnitAttentions();
    private final CoreAnswers answers = new CoreAnswers(this);
    private final UnitAttentionGate gate = new UnitAttentionGate(attentions);
    private volatile boolean closed;
    private volatile Runnable accessListener;

    NexusImpl(TargetRuntime target, String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        this.target = target;
        this.initiatorName = initiatorName;
        this.initiatorPortName = initiatorPortName;
        this.targetPortName = targetPortName;
        this.relativeTargetPortId = relativeTargetPortId;
        this.itNexus = ItNexus.of(initiatorName, initiatorPortName, targetPortName, relativeTargetPortId);
    }

    void unitAttention(int lun, Sense reason) {
        attentions.add(lun, reason);
    }

    boolean hasUnitAttention(int lun, SenseReason reason) {
        return attentions.has(lun, reason.sense());
    }

    void mapChanged(LunMap next) {
        Set<Integer> mapped = new HashSet<>(next.size() * 2);
        for (int n : next.numbers()) {
            mapped.add(n);
        }
        attentions.retain(mapped);
        for (int lun : next.numbers()) {
            attentions.add(lun, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
        }
        attentions.add(0, SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED.sense());
    }

    /**
     * Admission, in order (SAM-5 §5.14, SPC-4 §5.13): LUN lookup and what the core answers itself
     * ({@link CoreAnswers}); the device's parse ({@link DeviceParse}, before the unit attention
     * check so that a device may exempt commands, as MMC does GET EVENT STATUS NOTIFICATION); a
     * pending unit attention ({@link UnitAttentionGate}); the ALUA access state of the nexus's port
     * group ({@link AccessStates}); a reservation conflict ({@link ReservationGate}); the task set's
     * place ({@link org.jstgt.scsi.taskset}). A command that ends here counts in the I/O meters
     * of its LUN and target now, as OTHER ({@link Metering}); one admitted counts when it ends
     * ({@link CoreTask}).
     */
    @Override
    public PreparedCommand prepare(ScsiTask task) {
        LunRuntime lun = target.map.get(task.lun());
        PreparedCommand p = admit(task, lun);
        ScsiResult ended = p.immediateResult();
        if (ended != null) {
            Metering.other(lun == null ? null : lun.meter, target.meter, ended);
        } else if (p instanceof Prepared.Core c) {
            c.metered(lun == null ? null : lun.meter, target.meter);
        }
        return p;
    }

    private PreparedCommand admit(ScsiTask task, LunRuntime lun) {
        int lunNumber = task.lun();
        PreparedCommand core = answers.answer(task, lun);
        if (core != null) {
            return core;
        }
        if (task.attribute() == TaskAttribute.ACA) {
            // SAM-5 §5.9: no ACA condition can exist (NORMACA 0, NACA refused), so an ACA task is an
            // error: ILLEGAL REQUEST, INVALID MESSAGE ERROR (49h/00h)
            return new Prepared.Immediate(SenseRenderer.checkCondition(
                    new ScsiException(Sense.of(SenseKey.ILLEGAL_REQUEST, 0x49, 0x00)), lun.senseFormat()));
        }
        SenseFormat format = lun.senseFormat();
        DeviceParse.Parsed parsed = DeviceParse.parse(lun, this, task, format);
        PreparedCommand ua = gate.check(task, lunNumber, parsed.descriptor(), format);
        if (ua != null) {
            if (parsed.ended() != null) {
                // a command held unparsed (no provider yet) ends here: it leaves the LU's held list
                parsed.ended().abandon();
            }
            return ua;
        }
        PreparedCommand inaccessible = target.maps.alua.admit(this, task, parsed, format);
        if (inaccessible != null) {
            return inaccessible;
        }
        if (parsed.ended() != null) {
            return parsed.ended();
        }
        PreparedCommand conflict = ReservationGate.check(lun, this, task, parsed.handle());
        if (conflict != null) {
            return conflict;
        }
        // task set: the command takes its place now, in arrival order
        UnitHandle h = parsed.handle();
        Place place;
        if (h.unit.queueing() == Queueing.IN_ORDER) {
            place = lun.ordered.enter();
        } else {
            Object entered = lun.tasks.enter(task.attribute(), this, lun.queueDepth());
            if (!(entered instanceof Place p)) {
                // the parse released the handle already: nothing of the unit is held here
                return full(lun, (TaskSet.Full) entered);
            }
            place = p;
        }
        return new Prepared.OnUnit(lun, this, h, parsed.descriptor(), task, format, place);
    }

    /**
     * The LU's task set holds {@code queue.depth} commands: TASK SET FULL when this nexus has some
     * of them, BUSY when others filled it (SAM-5 §5.3.1); both are retried by initiators.
     */
    private PreparedCommand full(LunRuntime lun, TaskSet.Full why) {
        LOG.debug("LUN {}: task set full ({} commands): {} to {}", lun.name, lun.queueDepth(), why,
                initiatorPortName);
        return new Prepared.Immediate(ScsiResult.status(
                why == TaskSet.Full.TASK_SET_FULL ? ScsiStatus.TASK_SET_FULL : ScsiStatus.BUSY));
    }

    UnitAttentions attentions() {
        return attentions;
    }

    @Override
    public void onUnitAttention(UnitAttentionListener listener) {
        attentions.listen(listener);
    }

    /**
     * LOGICAL UNIT RESET (SAM-5 §7.8, §6.3.4): every task of the LU, of every nexus, is aborted
     * (held and queued ones never run; running ones complete in the device), and once they are gone
     * every nexus that maps the LU, this one included, gets BUS DEVICE RESET FUNCTION OCCURRED
     * (29h/03h). This nexus's aborted tasks end without a response; with TAS 1 (the Control mode
     * page) those of other nexuses complete with TASK ABORTED status (SAM-5 §5.6).
     */
    @Override
    public CompletionStage<Boolean> resetLogicalUnit(int lun) {
        LunRuntime l = target.map.get(lun);
        if (l == null) {
            return CompletableFuture.completedFuture(false);
        }
        l.reservations.reset();
        return l.abortAll(this).thenApply(v -> {
            resetUnit(l);
            target.maps.resetAll(l);
            return true;
        });
    }

    /**
     * CLEAR TASK SET (SAM-5 §7.5): the LU has one task set for all nexuses (the Control mode page
     * reports TST 000b), so every task of the LU, of every nexus, is aborted as by a LOGICAL UNIT
     * RESET, and nothing else of the LU is reset: this nexus's tasks end without a response, those
     * of other nexuses with TASK ABORTED status (TAS 1). No unit attention is raised: COMMANDS
     * CLEARED BY ANOTHER INITIATOR (2Fh/00h) is how a device server with TAS 0 tells the other
     * nexuses (SAM-5 §5.6), and the requesting nexus knows from the function's response.
     */
    @Override
    public CompletionStage<Boolean> clearTaskSet(int lun) {
        LunRuntime l = target.map.get(lun);
        if (l == null) {
            return CompletableFuture.completedFuture(false);
        }
        return l.abortAll(this).thenApply(v -> true);
    }

    /**
     * A hard reset of the target (SAM-5 §6.3.2; the TARGET RESET of SAM-2 that iSCSI's TARGET
     * WARM RESET and TARGET COLD RESET are defined by, RFC 7143 §11.5.1): a logical unit reset of
     * every LU the target maps, for every nexus, and once all their tasks are gone the unit
     * attention of a hard reset on every nexus of the target ({@link TargetMaps#targetReset}).
     * Like LOGICAL UNIT RESET, it aborts tasks, resets each unit ({@link LogicalUnit#reset()})
     * and raises unit attentions.
     */
    @Override
    public CompletionStage<Void> resetTarget() {
        LunMap m = target.map;
        Set<LunRuntime> units = new HashSet<>();
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (int n : m.numbers()) {
            LunRuntime l = m.get(n);
            if (l != null && units.add(l)) {
                l.reservations.reset();
                gone.add(l.abortAll(this));
            }
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new))
                .thenRun(() -> {
                    units.forEach(NexusImpl::resetUnit);
                    target.maps.targetReset(target, units);
                });
    }

    /** Tells the active unit of a LUN that it was reset; a unit that fails is logged, the reset goes on. */
    private static void resetUnit(LunRuntime l) {
        UnitHandle h = l.handle();
        if (h == null) {
            return;
        }
        try {
            h.unit.reset();
        } catch (RuntimeException e) {
            LOG.warn("LUN {}: reset failed", l.name, e);
        }
    }

    @Override
    public boolean logicalUnitReset(int lun) {
        LunRuntime l = target.map.get(lun);
        if (l == null) {
            return false;
        }
        target.maps.resetAll(l);
        return true;
    }

    TargetRuntime target() {
        return target;
    }

    @Override
    public int targetPortGroupSupport() {
        return target.config.alua().tpgs();
    }

    @Override
    public int[] luns() {
        return target.map.numbers().clone();
    }

    @Override
    public void onAccessChange(Runnable listener) {
        accessListener = listener;
    }

    /** The target's access rules changed: the fabric's listener, if any, is told. */
    void accessChanged() {
        Runnable l = accessListener;
        if (l != null && !closed) {
            l.run();
        }
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        target.remove(this);
        // SPC-4 §6.13 and friends: per-nexus state in the units ends with the nexus
        for (int n : target.map.numbers()) {
            LunRuntime lun = target.map.get(n);
            if (lun != null) {
                lun.reservations.nexusLost(itNexus);
            }
            UnitHandle h = lun == null ? null : lun.handle();
            if (h != null) {
                try {
                    h.unit.nexusLost(initiatorPortName, targetPortName);
                } catch (RuntimeException e) {
                    LOG.warn("LUN {}: nexusLost failed", lun.name, e);
                }
            }
        }
    }
}
