package org.jstgt.itests;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.ScsiReply;

/**
 * A well-behaved session on its own thread: writes a random 64 KiB block range, reads it back and
 * compares, round after round, until stopped; records every error and the slowest round. Its
 * rounds stay in a region of the LUN of their own.
 */
final class WellBehaved implements AutoCloseable {
    private static final int BLOCKS = 128;
    private static final int BLOCK = 512;
    /** First LBA of the region (clear of anything else the tests write). */
    private static final long REGION = 1L << 20;

    private final Thread thread;
    private final Initiator session;
    private volatile boolean stop;
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private WellBehaved(Initiator session) {
        this.session = session;
        this.thread = new Thread(this::run, "well-behaved-initiator");
        thread.setDaemon(true);
    }

    /**
     * Logs in and starts the rounds.
     *
     * @param portal the portal
     * @param targetName the target
     * @return the running session
     */
    static WellBehaved start(InetSocketAddress portal, String targetName) throws Exception {
        Initiator i = Initiator.connect(portal, InitiatorOptions.defaults()
                .withInitiatorName("iqn.2026-11.org.jstgt:well-behaved").withTimeout(Duration.ofSeconds(30)));
        try {
            i.login(targetName);
            for (int n = 0; n < 8 && !i.scsi(0, Cdbs.testUnitReady(), null, 0).good(); n++) {
                // unit attentions of a new nexus
            }
        } catch (Exception e) {
            i.close();
            throw e;
        }
        WellBehaved w = new WellBehaved(i);
        w.thread.start();
        return w;
    }

    private void run() {
        Random random = new Random(42);
        byte[] data = new byte[BLOCKS * BLOCK];
        while (!stop) {
            long lba = REGION + (long) random.nextInt(1024) * BLOCKS;
            random.nextBytes(data);
            long t0 = System.nanoTime();
            try {
                ScsiReply w = session.scsi(0, Cdbs.write16(lba, BLOCKS), data, 0);
                if (!w.good()) {
                    errors.add("WRITE(16) at " + lba + ": " + w);
                    continue;
                }
                ScsiReply r = session.scsi(0, Cdbs.read16(lba, BLOCKS), null, data.length);
                if (!r.good()) {
                    errors.add("READ(16) at " + lba + ": " + r);
                } else if (!Arrays.equals(data, r.data())) {
                    errors.add("READ(16) at " + lba + " returned other data than written");
                }
            } catch (Exception e) {
                errors.add("round " + rounds.get() + ": " + e);
                return;
            }
            slowestNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
            rounds.incrementAndGet();
        }
    }

    /** @return rounds completed so far */
    int rounds() {
        return rounds.get();
    }

    /** @return every error seen */
    List<String> errors() {
        return List.copyOf(errors);
    }

    /** @return the slowest write-and-read-back round */
    Duration slowest() {
        return Duration.ofNanos(slowestNanos.get());
    }

    /**
     * Waits until {@code more} further rounds completed (the session makes progress).
     *
     * @param more rounds to wait for
     * @param why what just happened, for the failure message
     */
    void awaitProgress(int more, String why) {
        int target = rounds() + more;
        Await.until(Duration.ofSeconds(30), "the well-behaved session to complete " + more + " more rounds " + why
                + " (errors: " + errors + ")", () -> rounds() >= target || !thread.isAlive());
        if (!errors.isEmpty()) {
            throw new AssertionError("the well-behaved session failed " + why + ": " + errors);
        }
    }

    /** Stops the rounds and logs out. */
    @Override
    public void close() throws Exception {
        stop = true;
        thread.join(30_000);
        try {
            session.logout();
        } finally {
            session.close();
        }
    }
}
