package org.jstgt.iscsi.task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.jstgt.iscsi.session.CommandWindow;
import org.jstgt.iscsi.session.ConnectionPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks of one session by Initiator Task Tag (unique across the session's connections,
 * RFC 7143 §4.2.2), and how tasks end: finished, aborted, or abandoned with their connection.
 * A non-immediate task holds a slot of the command window until its status is sent. Confined to
 * the session's event loop; {@link #size()} may be read from any thread.
 */
public final class TaskTable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskTable.class);
    private final CommandWindow window;
    private final Map<Integer, IscsiTask> byItt = new HashMap<>();
    private volatile int size;

    /** @param window the session's command window */
    public TaskTable(CommandWindow window) {
        this.window = window;
    }

    /**
     * @param itt an Initiator Task Tag
     * @return the task, or null
     */
    public IscsiTask get(int itt) {
        return byItt.get(itt);
    }

    /** @return how many tasks are in progress (any thread) */
    public int size() {
        return size;
    }

    void started(IscsiTask t) {
        byItt.put(t.itt, t);
        if (!t.immediate) {
            t.inWindow = true;
            window.commandStarted();
        }
        size = byItt.size();
    }

    private void ended(IscsiTask t) {
        if (byItt.get(t.itt) == t) {
            byItt.remove(t.itt);
        }
        if (t.inWindow) {
            t.inWindow = false;
            window.commandEnded();
        }
        size = byItt.size();
    }

    /**
     * @param t a task about to report its status
     * @return MaxCmdSN with the task's slot already freed, so the status opens the window
     */
    int maxCmdSnAfter(IscsiTask t) {
        ended(t);
        return window.maxCmdSn();
    }

    /** Ends a task: its buffers are released and its slot freed. */
    void finish(IscsiTask t) {
        t.state = IscsiTask.State.DONE;
        t.releaseBuffers();
        ended(t);
    }

    /**
     * Aborts a task (RFC 7143 §4.2.3.4: no further responses for it): one still in its data phase
     * is abandoned at once; one executing is aborted in the SCSI core and completes there, its
     * response suppressed.
     *
     * @param t the task
     * @return completes when the task can no longer touch the store: abandoned, removed before it
     *     ran, or completed in the device; never exceptionally
     */
    public CompletableFuture<Void> abort(IscsiTask t) {
        t.aborted = true;
        if (t.state == IscsiTask.State.COLLECTING) {
            if (t.prepared != null) {
                t.prepared.abandon();
            }
            finish(t);
            return CompletableFuture.completedFuture(null);
        }
        if (t.state != IscsiTask.State.EXECUTING || t.execution == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stopped;
        try {
            stopped = t.prepared.abort().toCompletableFuture().handle((v, e) -> null);
        } catch (RuntimeException e) {
            LOG.warn("aborting command {} failed; waiting for it to complete", t.cdb(), e);
            stopped = CompletableFuture.completedFuture(null);
        }
        // a command whose abort cannot stop it is gone only when it completed
        return stopped.thenCombine(t.execution.handle((r, e) -> null), (a, b) -> null);
    }

    /**
     * @param which the tasks to {@link #abort(IscsiTask)}
     * @return completes when all of them are gone
     */
    public CompletableFuture<Void> abortWhere(Predicate<IscsiTask> which) {
        List<CompletableFuture<Void>> gone = new ArrayList<>();
        for (IscsiTask t : new ArrayList<>(byItt.values())) {
            if (which.test(t)) {
                gone.add(abort(t));
            }
        }
        return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new));
    }

    /**
     * A connection failed at ErrorRecoveryLevel 2: its tasks wait for a TASK REASSIGN (RFC 7143
     * §7.2.2); those in the device go on, their answer held.
     *
     * @param c the connection
     * @param epoch the session's count of such failures, this one included
     * @return how many tasks wait
     */
    public int orphan(ConnectionPort c, long epoch) {
        int n = 0;
        for (IscsiTask t : byItt.values()) {
            if (t.connection == c && !t.orphaned) {
                t.orphaned = true;
                t.orphanedAt = epoch;
                n++;
            }
        }
        return n;
    }

    /**
     * Orphaned tasks nobody reassigned in time are aborted (RFC 7143 §7.2.2: DefaultTime2Wait +
     * DefaultTime2Retain after the connection failed).
     *
     * @param epoch the failure whose time is up: tasks orphaned by it or earlier are aborted
     * @return how many are still waiting (orphaned later)
     */
    public int abortOrphansBefore(long epoch) {
        int left = 0;
        for (IscsiTask t : new ArrayList<>(byItt.values())) {
            if (!t.orphaned) {
                continue;
            }
            if (t.orphanedAt <= epoch) {
                t.orphaned = false;
                if (t.held != null) {
                    t.held = null;
                    finish(t);
                } else {
                    abort(t);
                }
            } else {
                left++;
            }
        }
        return left;
    }

    /**
     * A connection went away: its tasks are aborted ({@link #abort}); those still collecting data
     * are abandoned at once, executing ones are aborted in the SCSI core and dropped when they end.
     *
     * @param c the connection
     */
    public void connectionLost(ConnectionPort c) {
        abortWhere(t -> t.connection == c);
    }
}
