package org.jstgt.scsi.taskset;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

class InOrderTaskSetTest {
    private static final Executor INLINE = Runnable::run;

    private final InOrderTaskSet set = new InOrderTaskSet();
    private final List<String> started = new CopyOnWriteArrayList<>();

    private CompletionStage<String> run(InOrderTaskSet.Slot p, String name, CompletableFuture<String> done) {
        return p.run(INLINE, () -> {
            started.add(name);
            return done;
        });
    }

    /** A later command whose data arrived first waits for the earlier one to finish (SSC: no overtaking). */
    @Test
    void aReadyLaterCommandWaitsForTheEarlierOneToComplete() {
        InOrderTaskSet.Slot write = set.enter();
        InOrderTaskSet.Slot position = set.enter();
        CompletableFuture<String> writeDone = new CompletableFuture<>();
        CompletionStage<String> positionResult = run(position, "READ POSITION", CompletableFuture.completedFuture("p"));
        assertEquals(List.of(), started, "nothing runs before the first command is ready");
        run(write, "WRITE", writeDone);
        assertEquals(List.of("WRITE"), started, "the first runs, the second still waits for it");
        assertFalse(positionResult.toCompletableFuture().isDone());
        writeDone.complete("w");
        assertEquals(List.of("WRITE", "READ POSITION"), started);
        assertEquals("p", positionResult.toCompletableFuture().join());
        assertEquals(0, set.size());
    }

    /** An aborted or dropped command leaves its place, and the ones behind it go on. */
    @Test
    void aCommandThatLeavesLetsTheNextRun() {
        InOrderTaskSet.Slot dropped = set.enter();
        InOrderTaskSet.Slot next = set.enter();
        CompletionStage<String> r = run(next, "NEXT", CompletableFuture.completedFuture("n"));
        assertFalse(r.toCompletableFuture().isDone());
        dropped.leave();
        dropped.leave();
        assertEquals("n", r.toCompletableFuture().join());
        assertEquals(List.of("NEXT"), started);
    }

    /** A failing command frees the set as a successful one does, and its failure reaches its caller. */
    @Test
    void aFailureFreesTheSetAndIsReported() {
        InOrderTaskSet.Slot a = set.enter();
        InOrderTaskSet.Slot b = set.enter();
        CompletionStage<String> ra = a.run(INLINE, () -> {
            throw new IllegalStateException("device bug");
        });
        CompletionStage<String> rb = run(b, "B", CompletableFuture.completedFuture("b"));
        assertTrue(ra.toCompletableFuture().isCompletedExceptionally());
        assertEquals("b", rb.toCompletableFuture().join());
        assertThrows(IllegalStateException.class, () -> a.run(INLINE, () -> CompletableFuture.completedFuture("x")));
    }

    /** The next command starts on its own executor (its connection's thread), not on the finisher's. */
    @Test
    void theNextCommandStartsOnItsOwnExecutor() {
        List<String> via = new CopyOnWriteArrayList<>();
        Executor own = r -> {
            via.add("own");
            r.run();
        };
        InOrderTaskSet.Slot a = set.enter();
        InOrderTaskSet.Slot b = set.enter();
        CompletableFuture<String> aDone = new CompletableFuture<>();
        run(a, "A", aDone);
        CompletionStage<String> rb = b.run(own, () -> CompletableFuture.completedFuture("b"));
        assertEquals(List.of(), via);
        aDone.complete("a");
        assertEquals(List.of("own"), via);
        assertEquals("b", rb.toCompletableFuture().join());
    }
    /** An abort from another thread may take the place out before its command is ready: it never runs. */
    @Test
    void aPlaceThatLeftBeforeItsRunNeverRunsAndHoldsNothingBack() {
        InOrderTaskSet.Slot aborted = set.enter();
        InOrderTaskSet.Slot next = set.enter();
        assertTrue(aborted.leave());
        CompletionStage<String> r = run(aborted, "ABORTED", CompletableFuture.completedFuture("a"));
        assertNull(r.toCompletableFuture().join());
        assertFalse(aborted.leave(), "left once");
        run(next, "NEXT", CompletableFuture.completedFuture("n"));
        assertEquals(List.of("NEXT"), started);
        assertEquals(0, set.size());
    }
}
