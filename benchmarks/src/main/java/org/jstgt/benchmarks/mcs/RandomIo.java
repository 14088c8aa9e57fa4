package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.testkit.Cdbs;

/**
 * READ(10)s or WRITE(10)s of {@code --block} bytes at aligned LBAs: random, or with
 * {@code --sequential} one walk through the LUN that every slot takes its next command from.
 */
final class RandomIo implements McsSource {
    private final int lun;
    private final boolean write;
    private final int blocksPerCommand;
    private final long slots;
    private final int length;
    private final byte[] writeData;
    private final boolean sequential;
    private final AtomicLong cursor = new AtomicLong();

    RandomIo(McsOptions options, McsClient.Capacity capacity) {
        this.lun = options.lun();
        this.write = options.write();
        this.length = options.block();
        this.blocksPerCommand = Shapes.blocksPer(options.block(), capacity, "--block");
        this.slots = capacity.blocks() / blocksPerCommand;
        this.sequential = options.sequential();
        this.writeData = new byte[length];
        new SecureRandom().nextBytes(writeData);
    }

    @Override
    public McsCommand next(int slot) {
        long lba = (sequential ? cursor.getAndIncrement() % slots : ThreadLocalRandom.current().nextLong(slots))
                * blocksPerCommand;
        return write ? McsCommand.write(lun, Cdbs.write10(lba, blocksPerCommand), "WRITE(10)", writeData)
                : McsCommand.read(lun, Cdbs.read10(lba, blocksPerCommand), "READ(10)", length, false);
    }

    @Override
    public void finished(int slot, McsTask task) throws IOException {
        Shapes.requireGood(task);
    }
}
