package org.jstgt.auth.chap;

import java.net.InetAddress;
import java.net.Inet6Address;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progressive delay of authentication refusals, against guessing secrets online. Each failed
 * authentication from an address counts; the refusal is held back 0 for the first failure, then
 * 1 s, 2 s, 4 s ... up to {@value #CAP_MILLIS} ms. The count starts again after
 * {@value #QUIET_MINUTES} minutes without a failure from the address. A success neither waits nor
 * clears the count: a peer that holds one valid credential must not be able to wipe the count it
 * runs up guessing another.
 *
 * <p>IPv6 addresses count by their /64 prefix, which one host usually holds whole. The table holds
 * at most {@code capacity} addresses and forgets the one that failed least recently when full.
 * Thread-safe; every call is short and never blocks on I/O.
 */
public final class FailureDelay {
    /** How many addresses are tracked by default. */
    public static final int DEFAULT_CAPACITY = 10_000;
    /** The longest a refusal is held back. */
    public static final long CAP_MILLIS = 30_000;
    /** Minutes without a failure after which an address starts from nothing. */
    public static final int QUIET_MINUTES = 15;

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(QUIET_MINUTES);

    /**
     * One failure as counted.
     *
     * @param count the failures from the address since it was last quiet, this one included
     * @param delayMillis how long to hold this refusal back
     */
    public record Strike(int count, long delayMillis) {
        /** @return e.g. "3rd failure from this address within 15 minutes of the last; refusal held back 2 s" */
        public String describe() {
            String held = delayMillis == 0 ? "refused at once"
                    : "refusal held back " + (delayMillis % 1000 == 0 ? delayMillis / 1000 + " s" : delayMillis + " ms");
            return count == 1 ? "1st failure from this address; " + held
                    : ordinal(count) + " failure from this address, each within " + QUIET_MINUTES
                            + " minutes of the last; " + held;
        }
    }

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    private static final class Count {
        int failures;
        long last;
    }

    private final LongSupplier nanos;
    private final Map<Key, Count> table;

    /** @param nanos the clock ({@link System#nanoTime} in service) */
    public FailureDelay(LongSupplier nanos) {
        this(nanos, DEFAULT_CAPACITY);
    }

    /**
     * @param nanos the clock
     * @param capacity how many addresses to track, at least 1
     */
    public FailureDelay(LongSupplier nanos, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        this.nanos = nanos;
        // access order: a failure moves its address to the end; the eldest is the least recent
        this.table = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Count> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * Counts a failed authentication.
     *
     * @param address where it came from; null counts under one shared "unknown" address
     * @return the count and how long to hold the refusal back
     */
    public synchronized Strike failed(InetAddress address) {
        long now = nanos.getAsLong();
        Count c = table.computeIfAbsent(key(address), k -> new Count());
        if (c.failures > 0 && now - c.last >= QUIET_NANOS) {
            c.failures = 0;
        }
        if (c.failures < Integer.MAX_VALUE) {
            c.failures++;
        }
        c.last = now;
        return new Strike(c.failures, delayMillis(c.failures));
    }

    /** @return how many addresses are tracked now */
    public synchronized int tracked() {
        return table.size();
    }

    /**
     * @param failures the count, 1 for the first
     * @return 0 for the first, then 1 s doubling per failure, capped
     */
    static long delayMillis(int failures) {
        if (failures <= 1) {
            return 0;
        }
        int doublings = failures - 2;
        return doublings >= 15 ? CAP_MILLIS : Math.min(CAP_MILLIS, 1000L << doublings);
    }

    private static Key key(InetAddress address) {
        if (address == null) {
            return new Key(new byte[0]);
        }
        byte[] b = address.getAddress();
        return new Key(address instanceof Inet6Address ? Arrays.copyOf(b, 8) : b);
    }

    static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
