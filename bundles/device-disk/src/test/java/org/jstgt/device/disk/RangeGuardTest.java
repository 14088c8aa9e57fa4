package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The range guard on its own: who runs at once, who waits, in which order they resume. */
class RangeGuardTest {
    private static final java.util.concurrent.Executor DIRECT = Runnable::run;
    private final RangeGuard guard = new RangeGuard();
    private final List<String> started = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Claims {@code lba .. lba + blocks - 1}; the work records its start and ends when the test completes the returned future. */
    private CompletableFuture<Void> claim(String name, long lba, long blocks) {
        CompletableFuture<Void> end = new CompletableFuture<>();
        guard.run(lba, blocks, DIRECT, () -> {
            synchronized (started) {
                started.add(name);
            }
            return end;
        });
        return end;
    }

    @Test
    void disjointRangesRunSideBySide() {
        CompletableFuture<Void> a = claim("a", 0, 8);
        claim("b", 8, 8);
        claim("c", 100, 1);
        assertEquals(List.of("a", "b", "c"), started);
        assertEquals(3, guard.size());
        a.complete(null);
        assertEquals(2, guard.size());
    }

    @Test
    void anOverlappingRangeWaitsForTheEarlierOne() {
        CompletableFuture<Void> a = claim("a", 10, 8);
        claim("b", 17, 1);
        claim("c", 0, 11);
        assertEquals(List.of("a"), started);
        a.complete(null);
        assertEquals(List.of("a", "b", "c"), started);
    }

    @Test
    void overlappingCommandsRunInArrivalOrder() {
        CompletableFuture<Void> a = claim("a", 0, 4);
        CompletableFuture<Void> b = claim("b", 2, 6);
        // c overlaps only the waiting b: it must not overtake it
        CompletableFuture<Void> c = claim("c", 6, 2);
        claim("d", 3, 1);
        assertEquals(List.of("a"), started);
        a.complete(null);
        assertEquals(List.of("a", "b"), started);
        b.complete(null);
        assertEquals(List.of("a", "b", "c", "d"), started);
        c.complete(null);
        assertEquals(1, guard.size());
    }

    @Test
    void aFailedOrThrowingCommandFreesItsRange() {
        CompletableFuture<Void> a = claim("a", 0, 1);
        claim("b", 0, 1);
        a.completeExceptionally(new IllegalStateException("store failed"));
        assertEquals(List.of("a", "b"), started);
        CompletionStage<Void> thrown = guard.run(5, 1, DIRECT, () -> {
            throw new IllegalStateException("bug");
        });
        assertTrue(thrown.toCompletableFuture().isCompletedExceptionally());
        claim("c", 5, 1);
        assertEquals(List.of("a", "b", "c"), started);
    }

    @Test
    void aWaiterResumesOnItsOwnExecutor() {
        List<Runnable> loop = new ArrayList<>();
        CompletableFuture<Void> a = claim("a", 0, 1);
        guard.run(0, 1, loop::add, () -> {
            started.add("b");
            return CompletableFuture.completedFuture(null);
        });
        a.complete(null);
        assertEquals(List.of("a"), started, "not on the thread that ended a");
        assertEquals(1, loop.size());
        loop.get(0).run();
        assertEquals(List.of("a", "b"), started);
        assertEquals(0, guard.size());
    }

    /**
     * Two threads claim random, often overlapping ranges and end them in random order: no two
     * overlapping claims ever run together, and every claim runs.
     */
    @Test
    void twoThreadsNeverRunOverlappingClaimsTogether() throws Exception {
        List<long[]> running = new ArrayList<>();
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        int[] collisions = {0};
        int[] runs = {0};
        List<Future<?>> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            long seed = t;
            threads.add(pool.submit(() -> {
                Random r = new Random(seed);
                List<CompletionStage<Void>> mine = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    long lba = r.nextInt(64);
                    long blocks = 1 + r.nextInt(8);
                    long[] range = {lba, lba + blocks};
                    mine.add(guard.run(lba, blocks, DIRECT, () -> {
                        CompletableFuture<Void> end = new CompletableFuture<>();
                        synchronized (running) {
                            for (long[] o : running) {
                                if (o[0] < range[1] && range[0] < o[1]) {
                                    collisions[0]++;
                                }
                            }
                            running.add(range);
                            runs[0]++;
                            ends.add(end);
                        }
                        return end.whenComplete((v, e) -> {
                            synchronized (running) {
                                running.remove(range);
                            }
                        });
                    }));
                    // end a random running claim now and then
                    CompletableFuture<Void> pick = null;
                    synchronized (running) {
                        if (!ends.isEmpty() && r.nextBoolean()) {
                            pick = ends.remove(r.nextInt(ends.size()));
                        }
                    }
                    if (pick != null) {
                        pick.complete(null);
                    }
                }
                return mine;
            }));
        }
        for (Future<?> f : threads) {
            f.get(60, TimeUnit.SECONDS);
        }
        // drain: end whatever runs until nothing is held
        for (int round = 0; guard.size() > 0 && round < 100_000; round++) {
            List<CompletableFuture<Void>> now;
            synchronized (running) {
                now = new ArrayList<>(ends);
                ends.clear();
            }
            now.forEach(f -> f.complete(null));
        }
        assertEquals(0, guard.size());
        assertEquals(0, collisions[0]);
        assertEquals(4000, runs[0]);
    }
}
