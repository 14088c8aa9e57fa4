package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.jstgt.testkit.Cdbs;

/**
 * Proves that a copy happened: before it, a few samples of the destination (the first and last
 * blocks and some between, up to 1 MiB each) are overwritten with random bytes; after it, each must
 * equal the source again. Outside the measured time.
 */
final class CopyCheck {
    private static final int SAMPLES = 8;
    private static final int SAMPLE_BYTES = 1 << 20;
    private final McsClient client;
    private final Copy copy;
    private final int blocks;

    CopyCheck(McsClient client, Copy copy) {
        this.client = client;
        this.copy = copy;
        this.blocks = (int) Math.min(copy.totalBlocks, SAMPLE_BYTES / copy.blockLength);
    }

    private long lba(int sample) {
        return (copy.totalBlocks - blocks) * sample / (SAMPLES - 1);
    }

    /** Overwrites the samples of the destination. */
    void spoil() throws IOException, InterruptedException {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < SAMPLES; i++) {
            byte[] data = new byte[blocks * copy.blockLength];
            random.nextBytes(data);
            client.probeGood(McsCommand.write(copy.destination, Cdbs.write16(lba(i), blocks), "WRITE(16)", data));
        }
    }

    /**
     * @return the samples compared
     * @throws IOException when one differs from the source
     */
    int verify() throws IOException, InterruptedException {
        int n = blocks * copy.blockLength;
        for (int i = 0; i < SAMPLES; i++) {
            byte[] a = client.probeGood(McsCommand.read(copy.source, Cdbs.read16(lba(i), blocks), "READ(16)", n, true))
                    .data;
            byte[] b = client.probeGood(McsCommand.read(copy.destination, Cdbs.read16(lba(i), blocks), "READ(16)", n,
                    true)).data;
            if (!Arrays.equals(a, b)) {
                throw new IOException("after the copy, " + n + " bytes at LBA " + lba(i) + " of LUN " + copy.destination
                        + " differ from LUN " + copy.source);
            }
        }
        return SAMPLES;
    }
}
