package org.jstgt.scsi.taskset;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.scsi.TaskAttribute;
import org.junit.jupiter.api.Test;

class TaskSetTest {
    private static final Object NEXUS_A = "A";
    private static final Object NEXUS_B = "B";

    private final TaskSet set = new TaskSet();
    private final List<String> started = new CopyOnWriteArrayList<>();

    private Place enter(TaskAttribute a) {
        return (Place) set.enter(a, NEXUS_A, TaskSet.DEFAULT_DEPTH);
    }

    private CompletionStage<String> run(Place p, String name, CompletableFuture<String> done) {
        return p.run(Runnable::run, () -> {
            started.add(name);
            return done;
        });
    }

    @Test
    void simpleCommandsRunSideBySide() {
        Place a = enter(TaskAttribute.SIMPLE);
        Place b = enter(TaskAttribute.SIMPLE);
        assertTrue(a.enabled());
        assertTrue(b.enabled());
        CompletableFuture<String> da = new CompletableFuture<>();
        run(a, "a", da);
        run(b, "b", new CompletableFuture<>());
        assertEquals(List.of("a", "b"), started, "the second does not wait for the first");
        assertEquals(2, set.size());
        da.complete("a");
        assertEquals(1, set.size());
    }

    /** ORDERED waits for every older command; SIMPLE ones behind it wait for it (SAM-5 §8.6.3/§8.6.4). */
    @Test
    void orderedWaitsForOlderAndHoldsBackNewer() {
        Place s1 = enter(TaskAttribute.SIMPLE);
        Place o = enter(TaskAttribute.ORDERED);
        Place s2 = enter(TaskAttribute.SIMPLE);
        assertFalse(o.enabled());
        assertFalse(s2.enabled());
        CompletableFuture<String> d1 = new CompletableFuture<>();
        CompletableFuture<String> dO = new CompletableFuture<>();
        CompletionStage<String> r2 = run(s2, "s2", CompletableFuture.completedFuture("s2"));
        CompletionStage<String> rO = run(o, "o", dO);
        run(s1, "s1", d1);
        assertEquals(List.of("s1"), started);
        d1.complete("s1");
        assertEquals(List.of("s1", "o"), started, "the ORDERED one goes once the older one ended");
        assertFalse(r2.toCompletableFuture().isDone(), "the newer SIMPLE one waits for the ORDERED one");
        dO.complete("o");
        assertEquals("o", rO.toCompletableFuture().join());
        assertEquals("s2", r2.toCompletableFuture().join());
        assertEquals(List.of("s1", "o", "s2"), started);
        assertEquals(0, set.size());
    }

    /** HEAD OF QUEUE overtakes waiting commands and holds back SIMPLE ones that arrive after it. */
    @Test
    void headOfQueueRunsAtOnceAndNewerSimpleWaitForIt() {
        Place s1 = enter(TaskAttribute.SIMPLE);
        Place o = enter(TaskAttribute.ORDERED);
        Place h = enter(TaskAttribute.HEAD_OF_QUEUE);
        Place s2 = enter(TaskAttribute.SIMPLE);
        assertTrue(h.enabled(), "head of queue is enabled ahead of the waiting ORDERED command");
        assertFalse(s2.enabled());
        CompletableFuture<String> dh = new CompletableFuture<>();
        CompletableFuture<String> d1 = new CompletableFuture<>();
        run(s2, "s2", CompletableFuture.completedFuture("s2"));
        run(o, "o", CompletableFuture.completedFuture("o"));
        run(h, "h", dh);
        run(s1, "s1", d1);
        assertEquals(List.of("h", "s1"), started);
        dh.complete("h");
        assertEquals(List.of("h", "s1"), started, "the ORDERED one still waits for s1");
        d1.complete("s1");
        assertEquals(List.of("h", "s1", "o", "s2"), started);
    }

    @Test
    void anEnabledPlaceWhoseDataArrivesLaterStillHoldsBackAnOrderedOne() {
        Place w = enter(TaskAttribute.SIMPLE);
        Place o = enter(TaskAttribute.ORDERED);
        run(o, "o", CompletableFuture.completedFuture("o"));
        assertEquals(List.of(), started, "the older write has not even run yet");
        run(w, "w", CompletableFuture.completedFuture("w"));
        assertEquals(List.of("w", "o"), started);
    }

    @Test
    void aWaitingCommandThatLeavesReleasesThoseBehindIt() {
        Place s1 = enter(TaskAttribute.SIMPLE);
        Place o = enter(TaskAttribute.ORDERED);
        Place s2 = enter(TaskAttribute.SIMPLE);
        CompletionStage<String> r2 = run(s2, "s2", CompletableFuture.completedFuture("s2"));
        CompletableFuture<String> d1 = new CompletableFuture<>();
        run(s1, "s1", d1);
        assertTrue(o.leave(), "an aborted ORDERED command leaves before it runs");
        assertFalse(o.leave());
        d1.complete("s1");
        assertEquals("s2", r2.toCompletableFuture().join());
        assertEquals(List.of("s1", "s2"), started);
        assertNull(o.run(Runnable::run, () -> CompletableFuture.completedFuture("never")).toCompletableFuture()
                .join(), "a place that left never runs its work");
        assertEquals(0, set.size());
    }

    @Test
    void aRunningCommandCannotLeave() {
        Place s = enter(TaskAttribute.SIMPLE);
        CompletableFuture<String> d = new CompletableFuture<>();
        run(s, "s", d);
        assertFalse(s.leave());
        assertEquals(1, set.size());
        d.complete("s");
        assertEquals(0, set.size());
    }

    @Test
    void aFailureFreesThePlaceAndReachesTheCaller() {
        Place s = enter(TaskAttribute.ORDERED);
        Place after = enter(TaskAttribute.ORDERED);
        CompletionStage<String> r2 = run(after, "after", CompletableFuture.completedFuture("ok"));
        CompletionStage<String> r = s.run(Runnable::run, () -> {
            throw new IllegalStateException("device bug");
        });
        assertTrue(r.toCompletableFuture().isCompletedExceptionally());
        assertEquals("ok", r2.toCompletableFuture().join());
    }

    /** Past the depth: TASK SET FULL to a nexus with commands in the set, BUSY to one without (SAM-5 §5.3.1). */
    @Test
    void fullSetAnswersTaskSetFullOrBusy() {
        Object a1 = set.enter(TaskAttribute.SIMPLE, NEXUS_A, 2);
        Object a2 = set.enter(TaskAttribute.SIMPLE, NEXUS_A, 2);
        assertInstanceOf(Place.class, a1);
        assertInstanceOf(Place.class, a2);
        assertEquals(TaskSet.Full.TASK_SET_FULL, set.enter(TaskAttribute.SIMPLE, NEXUS_A, 2));
        assertEquals(TaskSet.Full.BUSY, set.enter(TaskAttribute.SIMPLE, NEXUS_B, 2));
        assertEquals(TaskSet.Full.TASK_SET_FULL, set.enter(TaskAttribute.HEAD_OF_QUEUE, NEXUS_A, 2),
                "head of queue counts against the depth too");
        ((Place) a1).leave();
        assertInstanceOf(Place.class, set.enter(TaskAttribute.SIMPLE, NEXUS_B, 2), "a freed place is taken again");
        assertEquals(2, set.size());
    }

    /** Commands arriving and completing on several threads: counters return to zero, ORDERED ones run alone. */
    @Test
    void concurrentTrafficKeepsOrderedCommandsExclusive() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        int perThread = 2000;
        CountDownLatch done = new CountDownLatch(4 * perThread);
        List<Runnable> producers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            producers.add(() -> {
                for (int i = 0; i < perThread; i++) {
                    TaskAttribute a = (i + id) % 10 == 0 ? TaskAttribute.ORDERED : TaskAttribute.SIMPLE;
                    Object p;
                    while (!((p = set.enter(a, "n" + id, TaskSet.MAX_DEPTH)) instanceof Place)) {
                        Thread.onSpinWait();
                    }
                    Place place = (Place) p;
                    place.run(pool, () -> {
                        int now = running.incrementAndGet();
                        if (a == TaskAttribute.ORDERED && now != 1) {
                            violations.incrementAndGet();
                        }
                        CompletableFuture<String> f = new CompletableFuture<>();
                        pool.execute(() -> {
                            running.decrementAndGet();
                            f.complete("x");
                        });
                        return f;
                    }).whenComplete((v, e) -> done.countDown());
                }
            });
        }
        ExecutorService arrivals = Executors.newFixedThreadPool(4);
        producers.forEach(arrivals::execute);
        assertTrue(done.await(60, TimeUnit.SECONDS), "every command completed");
        arrivals.shutdown();
        pool.shutdown();
        assertEquals(0, violations.get(), "an ORDERED command ran beside another");
        assertEquals(0, set.size());
        assertEquals(0, set.waiting());
    }
}
