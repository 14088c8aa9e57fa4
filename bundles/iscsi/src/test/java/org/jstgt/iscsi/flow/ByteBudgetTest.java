package org.jstgt.iscsi.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    @Test
    void takesUpToTheBudgetAndAgainOnceGivenBack() {
        ByteBudget b = new ByteBudget(1 << 20);
        assertTrue(b.tryTake(768 << 10));
        assertFalse(b.tryTake(512 << 10), "beyond the budget");
        assertTrue(b.tryTake(256 << 10), "exactly the rest");
        assertEquals(1 << 20, b.used());
        b.give(768 << 10);
        assertTrue(b.tryTake(512 << 10));
        assertTrue(b.tooLarge((1 << 20) + 1));
        assertFalse(b.tooLarge(1 << 20));
    }

    @Test
    void devicesOnManyThreadsNeverTakeMoreThanTheBudget() throws Exception {
        ByteBudget b = new ByteBudget(64);
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] fs = new Future<?>[4];
            for (int t = 0; t < 4; t++) {
                fs[t] = pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20_000; i++) {
                        if (b.tryTake(8)) {
                            most.accumulateAndGet(taken.addAndGet(8), Math::max);
                            taken.addAndGet(-8);
                            b.give(8);
                        }
                    }
                    return null;
                });
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(most.get() <= 64, "held at most " + most.get());
        assertEquals(0, b.used());
    }
}
