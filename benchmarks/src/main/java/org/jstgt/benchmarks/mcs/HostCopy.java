package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.util.Arrays;

import org.jstgt.testkit.Cdbs;

/**
 * A copy through the initiator: each slot READ(16)s a chunk of the source into its own buffer, then
 * WRITE(16)s it to the same LBA of the destination, then takes the next chunk.
 */
final class HostCopy extends Copy {
    private final byte[][] buffers;
    /** Per slot: the LBA of its chunk, and whether the chunk is read and waits to be written. */
    private final long[] lbas;
    private final boolean[] held;

    HostCopy(McsOptions options, McsClient.Capacity from, McsClient.Capacity to, int slots) {
        super(options, from, to);
        buffers = new byte[slots][];
        lbas = new long[slots];
        held = new boolean[slots];
    }

    @Override
    public McsCommand next(int slot) {
        if (held[slot]) {
            long lba = lbas[slot];
            int n = blocksAt(lba) * blockLength;
            byte[] data = n == buffers[slot].length ? buffers[slot] : Arrays.copyOf(buffers[slot], n);
            return McsCommand.write(destination, Cdbs.write16(lba, blocksAt(lba)), "WRITE(16)", data);
        }
        long lba = takeChunk();
        if (lba < 0) {
            return null;
        }
        if (buffers[slot] == null) {
            buffers[slot] = new byte[chunkBlocks * blockLength];
        }
        lbas[slot] = lba;
        return new McsCommand(source, Cdbs.read16(lba, blocksAt(lba)), "READ(16)", null,
                blocksAt(lba) * blockLength, buffers[slot]);
    }

    @Override
    public void finished(int slot, McsTask task) throws IOException {
        Shapes.requireGood(task);
        if (task.write) {
            copied(blocksAt(lbas[slot]));
        }
        held[slot] = !task.write;
    }
}
