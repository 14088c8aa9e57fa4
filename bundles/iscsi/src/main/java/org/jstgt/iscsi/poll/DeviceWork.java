package org.jstgt.iscsi.poll;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * How many writes (commands without Data-In) an event loop started in their devices that did not
 * complete at once: their work runs elsewhere (the kernel's io_uring workers, the file I/O
 * threads) and comes back to the loop as a completion. While any does, the loop does not busy-poll ({@link PollingIoHandler}): on
 * a machine with few processors the polling loop would share a processor with the very threads
 * whose completions it waits for (measured on 2 cores: WRITE SAME of zeros over 1 MiB, written by
 * io_uring's workers, ran at 5.7-6.1k commands/s with polling and 7.1-7.3k without). Writes
 * that complete inline (copied on the loop) are never counted, so polling between the commands of
 * a connection at low queue depth is unchanged; nor are READs, whose wait is often for this loop's
 * own sending of their data or for their turn in the task set.
 *
 * <p>Counted per loop thread; {@link #started} and {@link #ended} are called on the loop that
 * started the command, its completion being run there.
 */
public final class DeviceWork {
    private static final FastThreadLocal<int[]> PENDING = new FastThreadLocal<>() {
        @Override
        protected int[] initialValue() {
            return new int[1];
        }
    };

    private DeviceWork() {
    }

    /** A write of the calling loop went on in its device after {@code execute} returned. */
    public static void started() {
        PENDING.get()[0]++;
    }

    /** Such a write completed, on the loop that started it. */
    public static void ended() {
        int[] n = PENDING.get();
        if (n[0] > 0) {
            n[0]--;
        }
    }

    /** @return writes of the calling loop still working elsewhere */
    public static int pending() {
        return PENDING.get()[0];
    }
}
