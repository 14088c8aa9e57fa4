package org.jstgt.iscsi.task;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.util.concurrent.ScheduledFuture;

import org.jstgt.iscsi.session.ConnectionPort;

/**
 * Ends data phases that stopped ({@code data.phase.timeout}): once a second it looks at the
 * connection's tasks collecting Data-Out, and a task whose received bytes did not grow for the
 * timeout is handed to {@code expire}. Tasks waiting for write budget (no buffer yet) are not
 * timed: the wait is ours, not the initiator's. Nothing is done per PDU; the sweep runs only while
 * the connection has tasks in their data phase and stops with the connection.
 *
 * <p>On the connection's event loop only.
 */
final class DataPhaseTimer {
    private final ConnectionPort port;
    private final TaskTable tasks;
    private final int timeoutSeconds;
    private final Consumer<IscsiTask> expire;
    private final ArrayList<IscsiTask> watched = new ArrayList<>();
    private ScheduledFuture<?> sweeping;

    DataPhaseTimer(ConnectionPort port, TaskTable tasks, int timeoutSeconds, Consumer<IscsiTask> expire) {
        this.port = port;
        this.tasks = tasks;
        this.timeoutSeconds = timeoutSeconds;
        this.expire = expire;
    }

    /** @param task a task whose data phase started (its buffer is allocated) */
    void watch(IscsiTask task) {
        task.sweepCovered = task.covered;
        task.staleSweeps = 0;
        watched.add(task);
        if (sweeping == null) {
            sweeping = port.executor().scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** @return tasks watched (for tests) */
    int watched() {
        return watched.size();
    }

    private void sweep() {
        for (int i = watched.size() - 1; i >= 0; i--) {
            IscsiTask t = watched.get(i);
            if (t.state != IscsiTask.State.COLLECTING || tasks.get(t.itt) != t) {
                removeAt(i);
            } else if (t.covered != t.sweepCovered) {
                t.sweepCovered = t.covered;
                t.staleSweeps = 0;
            } else if (++t.staleSweeps >= timeoutSeconds) {
                removeAt(i);
                if (port.fullFeature()) {
                    expire.accept(t);
                }
            }
        }
        if (watched.isEmpty() || !port.fullFeature()) {
            sweeping.cancel(false);
            sweeping = null;
            watched.clear();
        }
    }

    private void removeAt(int i) {
        int last = watched.size() - 1;
        watched.set(i, watched.get(last));
        watched.remove(last);
    }
}
