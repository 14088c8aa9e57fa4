package org.jstgt.iscsi.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class WriteBudgetTest {
    /** The event loop, run by hand. */
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();

    private void runLoop() {
        Runnable r;
        while ((r = loop.poll()) != null) {
            r.run();
        }
    }

    @Test
    void waitersStartInArrivalOrderFromTheLoopAndEndedOnesAreSkipped() {
        WriteBudget b = new WriteBudget(100);
        List<String> started = new ArrayList<>();
        assertTrue(b.tryTake(80));
        boolean[] bAlive = {true};
        b.await(50, () -> true, () -> started.add("a"));
        b.await(10, () -> bAlive[0], () -> started.add("b"));
        b.await(20, () -> true, () -> started.add("c"));
        assertFalse(b.tryTake(5), "nobody overtakes the waiters");
        bAlive[0] = false;
        b.give(80, loop::add);
        assertTrue(started.isEmpty(), "never from inside give()");
        runLoop();
        assertEquals(List.of("a", "c"), started, "b ended while waiting");
        assertEquals(70, b.bytes().used());
        assertEquals(0, b.waiting());
        assertTrue(b.tryTake(30));
        assertTrue(b.bytes().tooLarge(101));
    }

    @Test
    void aLargeWaiterIsNotOvertakenBySmallerOnes() {
        WriteBudget b = new WriteBudget(100);
        List<String> started = new ArrayList<>();
        assertTrue(b.tryTake(60));
        assertTrue(b.tryTake(30));
        b.await(90, () -> true, () -> started.add("big"));
        b.await(10, () -> true, () -> started.add("small"));
        b.give(30, loop::add);
        runLoop();
        assertTrue(started.isEmpty(), "the big one waits for its space, the small one behind it");
        b.give(60, loop::add);
        runLoop();
        assertEquals(List.of("big", "small"), started);
    }

    @Test
    void aWaiterThatEndedDoesNotHoldBackTheNextCommand() {
        WriteBudget b = new WriteBudget(100);
        assertTrue(b.tryTake(60));
        boolean[] alive = {true};
        b.await(50, () -> alive[0], () -> {
            throw new AssertionError("an ended waiter never starts");
        });
        alive[0] = false;
        assertTrue(b.tryTake(40), "the space is free and nobody alive waits");
        assertEquals(0, b.waiting());
        assertEquals(100, b.bytes().used());
    }
}
