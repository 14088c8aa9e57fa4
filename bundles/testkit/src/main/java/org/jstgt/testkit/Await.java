package org.jstgt.testkit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Bounded polling for tests: asks a probe until its answer is good or a deadline passes, with a
 * short pause between tries, and fails with an {@link AssertionError} that names what was awaited
 * and the last answer seen. Replaces hand-written {@code nanoTime} deadlines around
 * {@code Thread.sleep}.
 *
 * <p>The probe always runs at least once, and once more after the last pause, so a condition that
 * becomes true just before the deadline is seen. An exception from the probe ends the wait at once
 * and propagates unchanged (catch inside the probe what means "not yet"). An interrupt ends the wait
 * with an {@link AssertionError} and leaves the thread's interrupt status set.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(10), "the session to end", () -> server.sessions().isEmpty());
 * int n = Await.until(WAIT, "three held commands", () -> nexus.held().size(), s -> s >= 3);
 * }</pre>
 */
public final class Await {
    /** First pause between tries; each later pause doubles, up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(2);
    /** Longest pause between tries of the methods that take no pause. */
    public static final Duration MAX_PAUSE = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * A condition that may throw.
     *
     * @param <E> what it may throw
     */
    @FunctionalInterface
    public interface Condition<E extends Exception> {
        /**
         * @return whether the awaited state holds
         * @throws E ends the wait
         */
        boolean holds() throws E;
    }

    /**
     * A probe that may throw.
     *
     * @param <T> what it answers
     * @param <E> what it may throw
     */
    @FunctionalInterface
    public interface Probe<T, E extends Exception> {
        /**
         * @return the current answer
         * @throws E ends the wait
         */
        T get() throws E;
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @param timeout how long to wait at most
     * @param what what is awaited, for the failure ("the session to end")
     * @param condition asked until it holds
     * @param <E> what the condition may throw
     * @throws E when the condition throws
     * @throws AssertionError when it does not hold within {@code timeout}
     */
    public static <E extends Exception> void until(Duration timeout, String what, Condition<E> condition) throws E {
        poll(timeout, null, what, condition::holds, Boolean::booleanValue);
    }

    /**
     * Waits until {@code probe} answers a value.
     *
     * @param timeout how long to wait at most
     * @param what what is awaited, for the failure
     * @param probe asked until its answer is present
     * @param <T> the value
     * @param <E> what the probe may throw
     * @return the value
     * @throws E when the probe throws
     * @throws AssertionError when no value comes within {@code timeout}
     */
    public static <T, E extends Exception> T value(Duration timeout, String what, Probe<Optional<T>, E> probe)
            throws E {
        return poll(timeout, null, what, probe, Optional::isPresent).get();
    }

    /**
     * Waits until {@code probe} answers a value that {@code done} accepts.
     *
     * @param timeout how long to wait at most
     * @param what what is awaited, for the failure
     * @param probe asked until {@code done} accepts its answer
     * @param done decides whether an answer ends the wait
     * @param <T> the answer
     * @param <E> what the probe may throw
     * @return the accepted answer
     * @throws E when the probe throws
     * @throws AssertionError naming the last answer when none is accepted within {@code timeout}
     */
    public static <T, E extends Exception> T until(Duration timeout, String what, Probe<T, E> probe,
            Predicate<? super T> done) throws E {
        return poll(timeout, null, what, probe, done);
    }

    /**
     * {@link #until(Duration, String, Probe, Predicate)} with a fixed pause between tries, for
     * probes that are expensive (starting a process) or slow to change.
     *
     * @param timeout how long to wait at most
     * @param pause the pause between tries
     * @param what what is awaited, for the failure
     * @param probe asked until {@code done} accepts its answer
     * @param done decides whether an answer ends the wait
     * @param <T> the answer
     * @param <E> what the probe may throw
     * @return the accepted answer
     * @throws E when the probe throws
     * @throws AssertionError naming the last answer when none is accepted within {@code timeout}
     */
    public static <T, E extends Exception> T every(Duration timeout, Duration pause, String what, Probe<T, E> probe,
            Predicate<? super T> done) throws E {
        if (pause.isNegative() || pause.isZero()) {
            throw new IllegalArgumentException("pause must be positive, was " + pause);
        }
        return poll(timeout, pause, what, probe, done);
    }

    private static <T, E extends Exception> T poll(Duration timeout, Duration fixedPause, String what,
            Probe<T, E> probe, Predicate<? super T> done) throws E {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long pause = fixedPause != null ? fixedPause.toNanos() : FIRST_PAUSE.toNanos();
        int tries = 0;
        for (;;) {
            T seen = probe.get();
            tries++;
            if (done.test(seen)) {
                return seen;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout + " (" + tries + " tries) waiting for " + what
                        + "; last seen: " + seen);
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what + "; last seen: " + seen, e);
            }
            if (fixedPause == null) {
                pause = Math.min(pause * 2, MAX_PAUSE.toNanos());
            }
        }
    }
}
