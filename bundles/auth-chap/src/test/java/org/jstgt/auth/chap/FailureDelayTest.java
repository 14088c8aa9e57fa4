package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class FailureDelayTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    private void advance(long amount, TimeUnit unit) {
        now.addAndGet(unit.toNanos(amount));
    }

    @Test
    void zeroThenOneSecondDoublingUpToThirtySeconds() throws Exception {
        FailureDelay d = new FailureDelay(now::get);
        long[] expected = {0, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
        for (int i = 0; i < expected.length; i++) {
            FailureDelay.Strike s = d.failed(ip("192.0.2.1"));
            assertEquals(i + 1, s.count());
            assertEquals(expected[i], s.delayMillis(), "failure " + (i + 1));
            advance(1, TimeUnit.MINUTES);
        }
        assertEquals(30_000, FailureDelay.delayMillis(Integer.MAX_VALUE));
    }

    @Test
    void addressesCountApart() throws Exception {
        FailureDelay d = new FailureDelay(now::get);
        d.failed(ip("192.0.2.1"));
        d.failed(ip("192.0.2.1"));
        assertEquals(1, d.failed(ip("192.0.2.2")).count());
        assertEquals(3, d.failed(ip("192.0.2.1")).count());
    }

    @Test
    void fifteenQuietMinutesStartTheCountAgain() throws Exception {
        FailureDelay d = new FailureDelay(now::get);
        d.failed(ip("192.0.2.1"));
        d.failed(ip("192.0.2.1"));
        advance(15, TimeUnit.MINUTES);
        advance(-1, TimeUnit.NANOSECONDS);
        assertEquals(3, d.failed(ip("192.0.2.1")).count(), "just under 15 minutes since the last failure");
        advance(15, TimeUnit.MINUTES);
        FailureDelay.Strike s = d.failed(ip("192.0.2.1"));
        assertEquals(1, s.count());
        assertEquals(0, s.delayMillis());
    }

    @Test
    void ipv6CountsByItsSlash64() throws Exception {
        FailureDelay d = new FailureDelay(now::get);
        d.failed(ip("2001:db8:1:2::1"));
        assertEquals(2, d.failed(ip("2001:db8:1:2:ffff::9")).count());
        assertEquals(1, d.failed(ip("2001:db8:1:3::1")).count());
    }

    @Test
    void theTableIsBoundedAndForgetsTheLeastRecentlyFailed() throws Exception {
        FailureDelay d = new FailureDelay(now::get, 3);
        d.failed(ip("192.0.2.1"));
        d.failed(ip("192.0.2.2"));
        d.failed(ip("192.0.2.3"));
        d.failed(ip("192.0.2.1")); // .1 is now the most recent, .2 the least
        d.failed(ip("192.0.2.4"));
        assertEquals(3, d.tracked());
        assertEquals(3, d.failed(ip("192.0.2.1")).count(), ".1 kept");
        assertEquals(1, d.failed(ip("192.0.2.2")).count(), ".2 forgotten");
        FailureDelay big = new FailureDelay(now::get);
        for (int i = 0; i < FailureDelay.DEFAULT_CAPACITY + 500; i++) {
            big.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertEquals(FailureDelay.DEFAULT_CAPACITY, big.tracked());
        assertThrows(IllegalArgumentException.class, () -> new FailureDelay(now::get, 0));
    }

    @Test
    void anUnknownAddressCountsToo() {
        FailureDelay d = new FailureDelay(now::get);
        d.failed(null);
        assertEquals(2, d.failed(null).count());
    }

    @Test
    void describeSaysTheCountAndTheDelay() {
        assertEquals("1st failure from this address; refused at once", new FailureDelay.Strike(1, 0).describe());
        assertEquals("3rd failure from this address, each within 15 minutes of the last; refusal held back 2 s",
                new FailureDelay.Strike(3, 2000).describe());
        assertEquals("2nd", FailureDelay.ordinal(2));
        assertEquals("11th", FailureDelay.ordinal(11));
        assertEquals("12th", FailureDelay.ordinal(12));
        assertEquals("13th", FailureDelay.ordinal(13));
        assertEquals("21st", FailureDelay.ordinal(21));
        assertEquals("112th", FailureDelay.ordinal(112));
    }
}
