package org.jstgt.benchmarks.mcs;

import java.io.IOException;

/**
 * The commands of one load: each of the queue depth's slots runs one command at a time, and the
 * source says what the slot sends next and judges each answer. Called from the connections' reader
 * threads: a source keeps per-slot state in per-slot fields, or synchronizes.
 */
interface McsSource {
    /**
     * Readies the load before it runs (probes on {@code client}, which may be refused).
     *
     * @return null when the target runs the load's command, else why not (the target refused it: a
     *     CHECK CONDITION with ILLEGAL REQUEST, which a target without the command answers)
     * @throws IOException on any other failure
     */
    default String prepare(McsClient client) throws IOException, InterruptedException {
        return null;
    }

    /**
     * @param slot 0 .. queue depth - 1
     * @return the slot's next command, or null when the slot's work is done
     */
    McsCommand next(int slot);

    /**
     * Takes the answer to the slot's command.
     *
     * @throws IOException when it ends the run (a failed status the load does not expect)
     */
    void finished(int slot, McsTask task) throws IOException;
}
