package org.jstgt.device.tape;

import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unit's serial executor over the bundle's worker pool: the drive's blocking image I/O and
 * every change of its state (commands, loads from the shell or a changer, reconfiguration) run
 * here one at a time, in submission order, never on a transport thread.
 */
final class Lane implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);

    private final Executor pool;
    private final String name;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param pool the bundle's workers
     * @param name the LUN, for the log
     */
    Lane(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public void execute(Runnable job) {
        queue.add(job);
        if (pending.getAndIncrement() == 0) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // the bundle's workers stopped (the bundle is going away): finish here rather than lose work
                drain();
            }
        }
    }

    private void drain() {
        do {
            Runnable job = queue.poll();
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                LOG.error("LUN {}: tape drive job failed", name, e);
            }
        } while (pending.decrementAndGet() != 0);
    }

    /**
     * Runs a job on the lane and waits for it (configuration threads only, never a transport's).
     *
     * @param job the job
     * @param millis how long to wait
     * @return its result
     * @throws Exception what the job threw, or {@link TimeoutException}
     */
    <T> T call(Callable<T> job, long millis) throws Exception {
        FutureTask<T> task = new FutureTask<>(job);
        execute(task);
        try {
            return task.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception x) {
                throw x;
            }
            throw (Error) c;
        }
    }
}
