package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.Test;

/** Closing a store refuses new I/O and waits, bounded, for the I/O in flight. */
class InFlightTest {

    @Test
    void closeWaitsForTheOperationInFlight() throws Exception {
        InFlight f = new InFlight();
        assertTrue(f.enter());
        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(() -> f.closeAndWait(10_000));
        Await.until(Duration.ofSeconds(10), "closeAndWait to mark the store closed", f::closed);
        assertTrue(f.closed());
        assertFalse(f.enter(), "closing refuses new operations");
        assertFalse(left.isDone(), "still waiting for the one in flight");
        f.exit();
        assertEquals(0, left.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closeGivesUpAfterItsBoundAndSaysHowManyAreLeft() {
        InFlight f = new InFlight();
        assertTrue(f.enter());
        assertTrue(f.enter());
        f.exit();
        assertEquals(1, f.closeAndWait(20));
    }

    @Test
    void closeWithNothingInFlightReturnsAtOnce() {
        assertEquals(0, new InFlight().closeAndWait(10_000));
    }
}
