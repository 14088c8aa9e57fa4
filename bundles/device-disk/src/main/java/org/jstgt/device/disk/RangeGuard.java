package org.jstgt.device.disk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The unit's LBA ranges being written: every command that changes blocks (WRITE, WRITE AND
 * VERIFY, WRITE SAME, UNMAP, COMPARE AND WRITE) holds its range here while it runs, so that
 * COMPARE AND WRITE's read, compare and write are one uninterrupted operation against every other
 * write to its blocks (SBC-4 §5.3), and overlapping writes reach the medium one after the other.
 *
 * <p><b>Ordering rule.</b> Commands are ordered by the moment they ask for their range (when the
 * unit executes them, after their Data-Out has arrived). A command whose range overlaps the range
 * of any earlier command still holding or waiting for its own waits until every such earlier
 * command has ended; commands whose ranges do not overlap run at once and side by side. So two
 * overlapping writes take effect in the order they reached execution, a later one never overtakes
 * a waiting earlier one it overlaps, and waits only point at earlier commands (no deadlock). READ
 * and VERIFY do not take part: a read running beside a write may see the old blocks, the new
 * ones or a mixture, as SAM-5 allows for SIMPLE tasks.
 *
 * <p><b>Cost.</b> The claims form a treap (a binary search tree by first LBA and arrival, heap
 * ordered by a priority hashed from the arrival number) in which each node also records the
 * highest end of its subtree, so finding the claims that overlap a range visits O(log n + k)
 * nodes rather than every command in flight. The nodes are the {@link Claim}s themselves (no map
 * entries): taking a free range costs the {@code Claim} object, one short critical section (a
 * sequence number, one descent to count overlaps and one to insert) and the stage that frees the
 * range when the work's stage completes (a second short critical section: remove, and one descent
 * to wake waiters); nothing else is allocated, and the work may be the command object itself. A
 * command that has to wait also gets a future that the last blocker's end completes, and it
 * resumes on its own executor (its connection's event loop), never on the thread that ended the
 * blocker. Thread-safe.
 */
final class RangeGuard {
    /** Fibonacci hashing constant: turns arrival numbers into well-spread treap priorities. */
    private static final long SPREAD = 0x9E37_79B9_7F4A_7C15L;

    private Claim root;
    private long arrivals;

    /**
     * Runs {@code work} once no earlier command holds or waits for a block of {@code lba ..
     * lba + blocks - 1}, and frees the range when the stage it returns completes (however it
     * completes). An empty range runs at once without a claim.
     *
     * @param lba first block
     * @param blocks number of blocks
     * @param loop where the work starts when it had to wait (the command's executor)
     * @param work starts the command's I/O
     * @return completes after the work's stage, once the range is free again
     */
    <T> CompletionStage<T> run(long lba, long blocks, Executor loop, Supplier<? extends CompletionStage<T>> work) {
        if (blocks == 0) {
            return start(work);
        }
        Claim c = new Claim(lba, lba + blocks);
        CompletionStage<T> stage = enter(c) ? start(work) : c.grant.thenComposeAsync(v -> start(work), loop);
        return stage.whenComplete(c);
    }

    private static <T> CompletionStage<T> start(Supplier<? extends CompletionStage<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @return the number of ranges held or waited for (for tests) */
    synchronized int size() {
        return count(root);
    }

    private static int count(Claim n) {
        return n == null ? 0 : 1 + count(n.left) + count(n.right);
    }

    /** @return true when the range is free; else the claim waits for its {@code grant} */
    private synchronized boolean enter(Claim c) {
        c.seq = arrivals++;
        c.priority = (int) ((c.seq * SPREAD) >>> 32);
        c.blockers = overlaps(root, c.start, c.end);
        if (c.blockers > 0) {
            c.grant = new CompletableFuture<>();
        }
        root = insert(root, c);
        return c.blockers == 0;
    }

    /** Frees the claim's range and starts the waiters for whom it was the last blocker. */
    private void exit(Claim c) {
        Claim ready;
        synchronized (this) {
            root = remove(root, c);
            ready = wake(root, c, null);
        }
        while (ready != null) {
            Claim next = ready.nextReady;
            ready.nextReady = null;
            ready.grant.complete(null);
            ready = next;
        }
    }

    /** @return how many claims in the subtree overlap {@code start .. end - 1} */
    private static int overlaps(Claim n, long start, long end) {
        if (n == null || n.maxEnd <= start) {
            return 0;
        }
        int found = overlaps(n.left, start, end);
        if (n.start < end) {
            if (n.end > start) {
                found++;
            }
            found += overlaps(n.right, start, end);
        }
        return found;
    }

    /**
     * Counts {@code gone} off every later claim of the subtree that overlaps it (each counted it
     * as a blocker when it arrived) and chains those left without blockers onto {@code ready}.
     */
    private static Claim wake(Claim n, Claim gone, Claim ready) {
        if (n == null || n.maxEnd <= gone.start) {
            return ready;
        }
        Claim r = wake(n.left, gone, ready);
        if (n.start < gone.end) {
            if (n.end > gone.start && n.seq > gone.seq && --n.blockers == 0) {
                n.nextReady = r;
                r = n;
            }
            r = wake(n.right, gone, r);
        }
        return r;
    }

    private static boolean before(Claim a, Claim b) {
        return a.start < b.start || (a.start == b.start && a.seq < b.seq);
    }

    private static Claim insert(Claim n, Claim c) {
        if (n == null) {
            c.left = null;
            c.right = null;
            c.maxEnd = c.end;
            return c;
        }
        if (before(c, n)) {
            n.left = insert(n.left, c);
            if (n.left.priority > n.priority) {
                n = rotateRight(n);
            }
        } else {
            n.right = insert(n.right, c);
            if (n.right.priority > n.priority) {
                n = rotateLeft(n);
            }
        }
        fix(n);
        return n;
    }

    private static Claim remove(Claim n, Claim c) {
        if (n == null) {
            throw new IllegalStateException("claim " + c.start + ".." + c.end + " is not held");
        }
        if (n == c) {
            return merge(c.left, c.right);
        }
        if (before(c, n)) {
            n.left = remove(n.left, c);
        } else {
            n.right = remove(n.right, c);
        }
        fix(n);
        return n;
    }

    private static Claim merge(Claim a, Claim b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.priority > b.priority) {
            a.right = merge(a.right, b);
            fix(a);
            return a;
        }
        b.left = merge(a, b.left);
        fix(b);
        return b;
    }

    private static Claim rotateRight(Claim n) {
        Claim l = n.left;
        n.left = l.right;
        l.right = n;
        fix(n);
        return l;
    }

    private static Claim rotateLeft(Claim n) {
        Claim r = n.right;
        n.right = r.left;
        r.left = n;
        fix(n);
        return r;
    }

    private static void fix(Claim n) {
        long m = n.end;
        if (n.left != null && n.left.maxEnd > m) {
            m = n.left.maxEnd;
        }
        if (n.right != null && n.right.maxEnd > m) {
            m = n.right.maxEnd;
        }
        n.maxEnd = m;
    }

    /**
     * One command's hold on blocks {@code start .. end - 1}, and its node in the treap; also the
     * callback that frees it when the command's stage completes. Fields other than the range are
     * guarded by the {@link RangeGuard}'s lock.
     */
    private final class Claim implements BiConsumer<Object, Throwable> {
        final long start;
        final long end;
        long seq;
        int priority;
        long maxEnd;
        Claim left;
        Claim right;
        /** earlier overlapping claims still in the tree */
        int blockers;
        /** completed when the last blocker ends; only for a claim that waits */
        CompletableFuture<Void> grant;
        Claim nextReady;

        Claim(long start, long end) {
            this.start = start;
            this.end = end;
        }

        @Override
        public void accept(Object result, Throwable failure) {
            exit(this);
        }
    }
}
