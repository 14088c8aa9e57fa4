package org.jstgt.management;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last few minutes of each LUN's rates, one point per poll, so that the web page draws its
 * charts in full from the first look. LUNs that are gone are dropped.
 */
public final class LunHistory {
    /**
     * One poll of one LUN.
     *
     * @param epochMillis when
     * @param readIops reads per second
     * @param writeIops writes per second
     * @param readBps bytes per second read
     * @param writeBps bytes per second written
     * @param readP99 99th percentile read latency of the interval, seconds
     * @param writeP99 99th percentile write latency of the interval, seconds
     */
    public record Point(long epochMillis, double readIops, double writeIops, double readBps, double writeBps,
            double readP99, double writeP99) {
    }

    private final int capacity;
    private final Map<String, ArrayDeque<Point>> points = new TreeMap<>();

    /** @param capacity points kept per LUN */
    public LunHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Adds one point per LUN of a sample that has rates (the first poll has none).
     *
     * @param epochMillis the wall-clock time of the sample
     * @param sample the sample
     */
    public synchronized void add(long epochMillis, Sample sample) {
        points.keySet().retainAll(sample.luns().keySet());
        if (sample.seconds() <= 0) {
            return;
        }
        sample.luns().forEach((lun, r) -> {
            ArrayDeque<Point> q = points.computeIfAbsent(lun, k -> new ArrayDeque<>());
            if (q.size() == capacity) {
                q.removeFirst();
            }
            q.addLast(new Point(epochMillis, r.readIops(), r.writeIops(), r.readBytesPerSecond(),
                    r.writeBytesPerSecond(), Rate.seconds(r.readLatency(), 0.99), Rate.seconds(r.writeLatency(), 0.99)));
        });
    }

    /** @return the points by LUN name, oldest first */
    public synchronized Map<String, List<Point>> points() {
        Map<String, List<Point>> out = new LinkedHashMap<>();
        points.forEach((k, q) -> out.put(k, List.copyOf(q)));
        return out;
    }
}
