package org.jstgt.scsi.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.taskset.InOrderTaskSet;

/**
 * A named LUN across its incarnations: configuration, state, and the commands held while it has
 * no unit. The object stays the same while the configuration and providers change, so target LUN
 * maps can point at it. State changes come from UnitLifecycle under {@link #lifecycle}; reads are lock-free.
 */
final class LunRuntime {
    /** Held commands per LUN beyond which new ones get BUSY at once (memory bound). */
    static final int MAX_HELD = 4096;

    final String name;
    private final ScheduledExecutorService timer;
    private final LongSupplier holdMillis;
    /** Null when the configuration did not parse. */
    volatile LunConfig config;
    volatile String origin;
    volatile Map<String, String> raw;
    private volatile LunState state;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Runs the commands of units that queue in arrival order (tape, changer), across incarnations. */
    final InOrderTaskSet ordered = new InOrderTaskSet();
    /** Held while the unit starts, stops or is replaced (UnitLifecycle); never on the command path. */
    final Object lifecycle = new Object();
    /** Set (under the manager's lock) when the configuration is deleted: no unit starts again. */
    volatile boolean removed;
    /** Why the configuration did not parse (file and key), when {@link #config} is null. */
    volatile String configProblem;
    /** Under {@link #lifecycle}: the last failure logged, to log each failure once. */
    String lastFailure;

    LunRuntime(String name, String origin, Map<String, String> raw, ScheduledExecutorService timer,
            LongSupplier holdMillis) {
        this.name = name;
        this.origin = origin;
        this.raw = raw;
        this.timer = timer;
        this.holdMillis = holdMillis;
        this.state = new LunState.Waiting("starting");
    }

    LunState state() {
        return state;
    }

    SenseFormat senseFormat() {
        LunConfig c = config;
        return c == null ? SenseFormat.FIXED : c.senseFormat();
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
        synchronized (this) {
            state = next;
            if (next instanceof LunState.Waiting || held.isEmpty()) {
                return;
            }
            release = new ArrayList<>(held);
            held.clear();
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

    synchronized int heldCount() {
        return held.size();
    }
}
