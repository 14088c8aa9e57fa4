package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AwaitTest {
    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger tries = new AtomicInteger();
        Await.until(Duration.ofSeconds(10), "the third try", () -> tries.incrementAndGet() == 3);
        assertEquals(3, tries.get());
    }

    @Test
    void aConditionThatAlreadyHoldsIsAskedOnce() {
        AtomicInteger tries = new AtomicInteger();
        Await.until(Duration.ZERO, "true", () -> tries.incrementAndGet() > 0);
        assertEquals(1, tries.get(), "at least one try even with no time left");
    }

    @Test
    void failureNamesWhatWasAwaitedAndTheLastAnswer() {
        AtomicInteger tries = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.until(SHORT, "the count to reach 1000", tries::incrementAndGet, n -> n >= 1000));
        assertTrue(e.getMessage().contains("the count to reach 1000"), e.getMessage());
        assertTrue(e.getMessage().contains("last seen: " + tries.get()), e.getMessage());
        assertTrue(e.getMessage().contains(SHORT.toString()), e.getMessage());
        assertTrue(tries.get() > 1, "tried more than once within the timeout");
    }

    @Test
    void valueReturnsWhatTheProbeFound() {
        AtomicInteger tries = new AtomicInteger();
        String v = Await.value(Duration.ofSeconds(10), "a value",
                () -> tries.incrementAndGet() < 2 ? Optional.empty() : Optional.of("found"));
        assertEquals("found", v);
        AssertionError e = assertThrows(AssertionError.class,
                () -> Await.value(SHORT, "nothing", Optional::empty));
        assertTrue(e.getMessage().contains("waiting for nothing; last seen: Optional.empty"), e.getMessage());
    }

    @Test
    void everyPausesAsAsked() {
        AtomicInteger tries = new AtomicInteger();
        assertThrows(AssertionError.class,
                () -> Await.every(Duration.ofMillis(250), Duration.ofMillis(100), "never", tries::incrementAndGet,
                        n -> false));
        assertTrue(tries.get() >= 2 && tries.get() <= 5, "about one try per pause: " + tries.get());
        assertThrows(IllegalArgumentException.class,
                () -> Await.every(SHORT, Duration.ZERO, "x", () -> 1, n -> true));
    }

    @Test
    void anExceptionFromTheProbeEndsTheWaitUnchanged() {
        IOException boom = new IOException("boom");
        AtomicInteger tries = new AtomicInteger();
        IOException e = assertThrows(IOException.class, () -> Await.until(Duration.ofSeconds(10), "x", () -> {
            tries.incrementAndGet();
            throw boom;
        }));
        assertSame(boom, e);
        assertEquals(1, tries.get());
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheInterruptStatus() {
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> Await.until(Duration.ofSeconds(10), "the interrupt", () -> false));
            assertTrue(e.getMessage().startsWith("interrupted while waiting for the interrupt"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
