package org.jstgt.scsi.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Sizes;
import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.events.CoreEvents;
import org.jstgt.scsi.pr.PrEngine;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.taskset.InOrderTaskSet;
import org.jstgt.scsi.taskset.TaskSet;

/**
 * A named LUN across its incarnations: configuration, state, and the commands held while it has
 * no unit. The object stays the same while the configuration and providers change, so target LUN
 * maps can point at it. State changes come from UnitLifecycle under {@link #lifecycle}; reads are lock-free.
 */
final class LunRuntime {
    /** Held commands per LUN beyond which new ones get BUSY at once (memory bound). */
    static final int MAX_HELD = 4096;
    /** Key bounding one command's transfer (as the disk device reads it). */
    static final String MAX_TRANSFER = "max.transfer";
    /** Its default, the disk device's. */
    static final int DEFAULT_MAX_TRANSFER = 8 << 20;
    /** Its largest value, the disk device's. */
    static final int MAX_MAX_TRANSFER = 64 << 20;

    final String name;
    private final ScheduledExecutorService timer;
    private final LongSupplier holdMillis;
    /** Null when the configuration did not parse. */
    volatile LunConfig config;
    volatile String origin;
    volatile Map<String, String> raw;
    private volatile LunState state;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Every admitted command not yet ended, of every nexus: what a LOGICAL UNIT RESET aborts. */
    final Set<CoreTask> live = ConcurrentHashMap.newKeySet();
    /** The task set of units whose commands run concurrently (disk), across incarnations. */
    final TaskSet tasks = new TaskSet();
    /** Runs the commands of units that queue in arrival order (tape, changer), across incarnations. */
    final InOrderTaskSet ordered = new InOrderTaskSet();
    /**
     * I/O counters of the LUN's commands, across incarnations (a provider update keeps them; a LUN
     * deleted and created again is a new runtime and starts from zero).
     */
    final IoMeter meter = new IoMeter();
    /** Registrations and reservations (SPC-4 §5.13, SPC-2 RESERVE), across incarnations. */
    final PrEngine reservations;
    /** Held while the unit starts, stops or is replaced (UnitLifecycle); never on the command path. */
    final Object lifecycle = new Object();
    /** Set (under the manager's lock) when the configuration is deleted: no unit starts again. */
    volatile boolean removed;
    /** Why the configuration did not parse (file and key), when {@link #config} is null. */
    volatile String configProblem;
    /** Under {@link #lifecycle}: the last failure logged, to log each failure once. */
    String lastFailure;

    LunRuntime(String name, String origin, Map<String, String> raw, ScheduledExecutorService timer,
            LongSupplier holdMillis, PrEngine reservations) {
        this.name = name;
        this.reservations = reservations;
        this.origin = origin;
        this.raw = raw;
        this.timer = timer;
        this.holdMillis = holdMillis;
        this.state = new LunState.Waiting("starting");
    }

    LunState state() {
        return state;
    }

    /** @return {@code queue.depth} of the configuration now */
    int queueDepth() {
        LunConfig c = config;
        return c == null ? TaskSet.DEFAULT_DEPTH : c.queueDepth();
    }

    /**
     * @return the format of the next command's sense: the unit's D_SENSE when it has a unit
     *     ({@link org.jstgt.api.scsi.LogicalUnit#descriptorSense}), else {@code sense.format}
     */
    SenseFormat senseFormat() {
        LunConfig c = config;
        SenseFormat configured = c == null ? SenseFormat.FIXED : c.senseFormat();
        UnitHandle h = handle();
        if (h == null) {
            return configured;
        }
        return h.unit.descriptorSense(configured == SenseFormat.DESCRIPTOR) ? SenseFormat.DESCRIPTOR
                : SenseFormat.FIXED;
    }

    /** @return the active unit, or null */
    UnitHandle handle() {
        return state instanceof LunState.Active a ? a.handle() : null;
    }

    /**
     * Changes state; leaving WAITING releases the held commands (on the caller's thread, outside
     * any lock).
     */
    void setState(LunState next) {
        List<Held> release;
        LunState before;
        synchronized (this) {
            before = state;
            state = next;
            if (next instanceof LunState.Waiting || held.isEmpty()) {
                release = List.of();
            } else {
                release = new ArrayList<>(held);
                held.clear();
            }
        }
        if (!before.toString().equals(next.toString())) {
            CoreEvents.lunState(name, origin, before.toString(), next.toString());
        }
        for (Held h : release) {
            h.resume(next);
        }
    }

    /** Runs the command on the current unit, or holds it while WAITING (bounded in time and count). */
    void submit(Held command) {
        LunState s;
        synchronized (this) {
            s = state;
            if (s instanceof LunState.Waiting) {
                if (held.size() >= MAX_HELD) {
                    command.complete(ScsiResult.status(ScsiStatus.BUSY));
                    return;
                }
                if (!command.control.waiting(command::dequeue)) {
                    return;
                }
                held.add(command);
                try {
                    command.timeout = timer.schedule(() -> expire(command), holdMillis.getAsLong(),
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    held.remove(command);
                    command.complete(ScsiResult.status(ScsiStatus.BUSY));
                }
                return;
            }
        }
        command.resume(s);
    }

    /** Past the hold bound: BUSY, which every initiator retries (SAM-5 §5.3.1). */
    private void expire(Held command) {
        boolean mine;
        synchronized (this) {
            mine = held.remove(command);
        }
        if (mine) {
            command.complete(ScsiResult.status(ScsiStatus.BUSY));
        }
    }

    void forget(Held command) {
        synchronized (this) {
            held.remove(command);
        }
    }

    /**
     * The largest transfer of a command held before any unit parsed it: the LUN's
     * {@code max.transfer} ({@link #DEFAULT_MAX_TRANSFER} when absent or not a size up to
     * {@link #MAX_MAX_TRANSFER}; the device reports a bad value when it starts).
     */
    int maxTransfer() {
        LunConfig c = config;
        String v = c == null ? null : c.properties().get(MAX_TRANSFER);
        if (v == null) {
            return DEFAULT_MAX_TRANSFER;
        }
        try {
            long n = Sizes.parse(MAX_TRANSFER, v.trim());
            return n <= 0 || n > MAX_MAX_TRANSFER ? DEFAULT_MAX_TRANSFER : (int) n;
        } catch (ConfigException e) {
            return DEFAULT_MAX_TRANSFER;
        }
    }

    /**
     * Aborts every live command of the LU, of every nexus (LOGICAL UNIT RESET, SAM-5 §7.8; CLEAR
     * TASK SET, §7.5; a target reset, §6.3.2), at the request of {@code by}.
     *
     * @param by the nexus that asked: its commands end without a response, the others' with TASK
     *     ABORTED status (TAS 1)
     * @return completes when none of them can touch the store any more
     */
    CompletableFuture<Void> abortAll(NexusImpl by) {
        return abort(nexus -> true, by);
    }

    /**
     * Aborts the live commands of some nexuses by the action of another (PREEMPT AND ABORT, SPC-4
     * §5.13.11.2.5), or of every nexus ({@link #abortAll}). With TAS 1 in the Control mode page
     * (SPC-4 §7.5.8) a command aborted by another nexus's action completes with TASK ABORTED
     * status (SAM-5 §5.6): its initiator learns of it at once instead of timing it out.
     *
     * @param which the nexuses whose commands go
     * @param by the nexus whose action it is: its own commands end without a response
     * @return completes when none of them can touch the store any more
     */
    CompletableFuture<Void> abort(Predicate<NexusImpl> which, NexusImpl by) {
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (CoreTask t : List.copyOf(live)) {
            if (which.test(t.owner)) {
                gone.add(t.abort(t.owner == by ? ScsiResult.ABORTED : ScsiResult.TASK_ABORTED).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }

    synchronized int heldCount() {
        return held.size();
    }
}
