package org.jstgt.scsi.taskset;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An admitted command's place in its logical unit's task set: taken at admission (before the data
 * phase, so arrival order is the fabric's command order), run once the command is ready and the
 * set enables it, or left when the command ends without running.
 */
public interface Place {

    /**
     * @return true when the set enabled the command already (SAM-5 §8.6: nothing it must wait for),
     *     so that {@link #run} starts it on the caller's thread and the caller need not prepare for
     *     an abort while it waits
     */
    boolean enabled();

    /**
     * The command is ready: run {@code work} once the set enables it.
     *
     * @param executor where {@code work} starts when it does not start at once (the command's
     *     transport thread)
     * @param work starts the command; its stage completing frees the place
     * @param <T> the stage's value
     * @return completes as {@code work}'s stage does; with null at once when the place left
     *     already (the command was aborted meanwhile): {@code work} never runs
     */
    <T> CompletionStage<T> run(Executor executor, Supplier<CompletionStage<T>> work);

    /**
     * The command leaves without running (aborted, connection lost): later places may go.
     *
     * @return true when it left here; false when it had started already or left before (its
     *     work, if any, runs or ran)
     */
    boolean leave();
}
