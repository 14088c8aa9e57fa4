package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

import org.jstgt.testkit.Cdbs;

/**
 * COMPARE AND WRITE that always compares equal, as a lock that is always free: slot {@code i} owns
 * the {@code --block} bytes at LBA {@code i * blocks}, reads them once before the load, and from then
 * on sends them as the verify instance with a new write instance (the slot's number and a counter),
 * which becomes the next verify instance when the command ends GOOD. At QD1 that is ESXi's ATS
 * heartbeat on one block; at QD32, lock traffic on many blocks. A MISCOMPARE ends the run: nobody
 * else writes these blocks.
 */
final class CompareAndWrite implements McsSource {
    private final int lun;
    private final int blocks;
    private final int length;
    /** Per slot: what its blocks hold, and what its command in flight writes. */
    private final byte[][] current;
    private final byte[][] pending;
    private final long[] counter;

    CompareAndWrite(McsOptions options, McsClient.Capacity capacity, int slots) {
        this.lun = options.lun();
        this.length = options.block();
        this.blocks = Shapes.blocksPer(length, capacity, "--block");
        if ((long) blocks * slots > capacity.blocks()) {
            throw new IllegalArgumentException(slots + " slots of " + length + " bytes do not fit in LUN " + lun);
        }
        current = new byte[slots][];
        pending = new byte[slots][];
        counter = new long[slots];
    }

    @Override
    public String prepare(McsClient client) throws IOException, InterruptedException {
        for (int slot = 0; slot < current.length; slot++) {
            current[slot] = client.probeGood(McsCommand.read(lun, Cdbs.read16(lba(slot), blocks), "READ(16)", length,
                    true)).data;
        }
        String refusal = Shapes.firstCommand(client, next(0));
        if (refusal == null) {
            current[0] = pending[0];
        }
        return refusal;
    }

    private long lba(int slot) {
        return (long) slot * blocks;
    }

    @Override
    public McsCommand next(int slot) {
        byte[] write = new byte[length];
        ByteBuffer.wrap(write).putInt(slot).putLong(++counter[slot]).putLong(length - 8, counter[slot]);
        pending[slot] = write;
        byte[] out = new byte[2 * length];
        System.arraycopy(current[slot], 0, out, 0, length);
        System.arraycopy(write, 0, out, length, length);
        return McsCommand.write(lun, SbcCdbs.compareAndWrite(lba(slot), blocks), "COMPARE AND WRITE", out);
    }

    @Override
    public void finished(int slot, McsTask task) throws IOException {
        if (McsSense.key(task.sense) == McsSense.MISCOMPARE) {
            throw new IOException(String.format(Locale.ROOT, "COMPARE AND WRITE at LBA %d miscompared (%s), though "
                    + "only this slot writes there", lba(slot), task.outcome()));
        }
        Shapes.requireGood(task);
        current[slot] = pending[slot];
    }
}
