package org.jstgt.benchmarks.mcs;

import java.io.IOException;

/** What the loads check of their sizes and answers. */
final class Shapes {
    private Shapes() {
    }

    /**
     * @return how many of the LUN's blocks make {@code bytes}
     * @throws IllegalArgumentException when that is not a whole number of blocks, or more than the LUN
     */
    static int blocksPer(long bytes, McsClient.Capacity capacity, String option) {
        int blockLength = capacity.blockLength();
        if (blockLength <= 0 || bytes % blockLength != 0) {
            throw new IllegalArgumentException("the LUN has " + blockLength + "-byte blocks; " + option + " " + bytes
                    + " is not a multiple of that");
        }
        if (bytes > capacity.bytes()) {
            throw new IllegalArgumentException(option + " " + bytes + " is more than the LUN's " + capacity.bytes()
                    + " bytes");
        }
        return (int) (bytes / blockLength);
    }

    /** @throws IOException unless the command ended with GOOD */
    static void requireGood(McsTask t) throws IOException {
        if (t.status != McsSense.GOOD) {
            throw new IOException(t.what + " ended with SCSI status " + t.outcome());
        }
    }

    /**
     * Sends a load's first command as a probe.
     *
     * @return null when it ended GOOD, the refusal when the target refused it (ILLEGAL REQUEST)
     * @throws IOException on any other status
     */
    static String firstCommand(McsClient client, McsCommand command) throws IOException, InterruptedException {
        McsTask t = client.probe(command);
        String refusal = McsSense.refusal(t);
        if (refusal == null) {
            requireGood(t);
        }
        return refusal == null ? null : command.what() + ": " + refusal;
    }
}
