package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UNMAP, WRITE SAME(16) with UNMAP, or WRITE SAME(16) of zeros without it, each command over one
 * range of {@code --block} bytes: the slots take the ranges in LBA order from one counter and wrap
 * around at the end of the LUN (after the first pass the ranges are already deallocated, or zero).
 * WRITE SAME sends one block of zeros.
 */
final class Deallocate implements McsSource {
    private final LoadKind kind;
    private final int lun;
    private final int blocks;
    private final long ranges;
    private final byte[] zeros;
    private final AtomicLong next = new AtomicLong();

    Deallocate(McsOptions options, McsClient.Capacity capacity) {
        this.kind = options.command();
        this.lun = options.lun();
        this.blocks = Shapes.blocksPer(options.block(), capacity, "--block");
        this.ranges = capacity.blocks() / blocks;
        this.zeros = new byte[capacity.blockLength()];
    }

    @Override
    public String prepare(McsClient client) throws IOException, InterruptedException {
        return Shapes.firstCommand(client, next(0));
    }

    @Override
    public McsCommand next(int slot) {
        long lba = next.getAndIncrement() % ranges * blocks;
        return switch (kind) {
            case UNMAP -> McsCommand.write(lun, SbcCdbs.unmap(SbcCdbs.UNMAP_ONE_RANGE_LENGTH), "UNMAP",
                    SbcCdbs.unmapOneRange(lba, blocks));
            case WRITE_SAME_UNMAP -> McsCommand.write(lun, SbcCdbs.writeSame16(lba, blocks, true),
                    "WRITE SAME(16) UNMAP", zeros);
            case WRITE_SAME -> McsCommand.write(lun, SbcCdbs.writeSame16(lba, blocks, false), "WRITE SAME(16)", zeros);
            default -> throw new IllegalStateException(kind + " is not a deallocation");
        };
    }

    @Override
    public void finished(int slot, McsTask task) throws IOException {
        Shapes.requireGood(task);
    }
}
