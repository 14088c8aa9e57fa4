package org.jstgt.benchmarks.mcs;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A copy of {@code --bytes} (default: all of it) from the start of {@code --lun} to the start of
 * {@code --dest-lun}, in chunks of {@code --block} bytes that the slots take in order; the last
 * chunk may be shorter. Both LUNs must have the same block length.
 */
abstract class Copy implements McsSource {
    final int source;
    final int destination;
    final int blockLength;
    final long totalBlocks;
    /** Blocks per chunk; an offloaded copy may lower it to what the copy manager allows before the run. */
    volatile int chunkBlocks;
    private final AtomicLong nextChunk = new AtomicLong();
    private final AtomicLong copiedBlocks = new AtomicLong();

    Copy(McsOptions options, McsClient.Capacity from, McsClient.Capacity to) {
        source = options.lun();
        destination = options.destLun();
        blockLength = from.blockLength();
        if (to.blockLength() != blockLength) {
            throw new IllegalArgumentException("LUN " + source + " has " + blockLength + "-byte blocks, LUN "
                    + destination + " " + to.blockLength() + "-byte blocks");
        }
        long bytes = options.bytes() == 0 ? from.bytes() : options.bytes();
        Shapes.blocksPer(bytes, to, "--bytes (to --dest-lun)");
        totalBlocks = Shapes.blocksPer(bytes, from, "--bytes");
        chunkBlocks = Math.min(Shapes.blocksPer(options.block(), from, "--block"), (int) totalBlocks);
    }

    long bytes() {
        return totalBlocks * blockLength;
    }

    /** @return the LBA of the next chunk, or -1 when every chunk is taken */
    final long takeChunk() {
        long lba = nextChunk.getAndIncrement() * chunkBlocks;
        return lba < totalBlocks ? lba : -1;
    }

    /** @return the blocks of the chunk at {@code lba} */
    final int blocksAt(long lba) {
        return (int) Math.min(chunkBlocks, totalBlocks - lba);
    }

    final void copied(int blocks) {
        copiedBlocks.addAndGet(blocks);
    }

    /** @return true when every block has been copied */
    final boolean complete() {
        return copiedBlocks.get() >= totalBlocks;
    }

    /** Starts over (after the support probe copied a chunk outside the measured run). */
    final void restart() {
        nextChunk.set(0);
        copiedBlocks.set(0);
    }
}
