package org.jstgt.api.mgmt;

import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative I/O counters of a LUN, a target or a session since it came up; every field but
 * {@code inFlight} only grows, so a rate is the difference of two snapshots over their interval.
 * Reads and writes are the commands that move data from or to the medium (READ, WRITE, WRITE AND
 * VERIFY, COMPARE AND WRITE's write, ...); every other command counts as {@code other}.
 *
 * @param reads read commands completed
 * @param writes write commands completed
 * @param others other commands completed
 * @param readBytes bytes sent to initiators by read commands
 * @param writeBytes bytes received from initiators by write commands
 * @param errorsBySenseKey commands that ended in CHECK CONDITION, by sense key name ({@code
 *     ILLEGAL REQUEST}, {@code MEDIUM ERROR}, ...); keys with no error are absent
 * @param busy commands that ended in BUSY, TASK SET FULL or RESERVATION CONFLICT
 * @param inFlight commands accepted and not yet completed at the time of the snapshot
 * @param readLatency latency of read commands from arrival to completion
 * @param writeLatency latency of write commands from arrival to completion
 */
public record IoStats(long reads, long writes, long others, long readBytes, long writeBytes,
        Map<String, Long> errorsBySenseKey, long busy, int inFlight, LatencyHistogram readLatency,
        LatencyHistogram writeLatency) {
    /** Nothing recorded. */
    public static final IoStats EMPTY = new IoStats(0, 0, 0, 0, 0, Map.of(), 0, 0, LatencyHistogram.empty(),
            LatencyHistogram.empty());

    public IoStats {
        errorsBySenseKey = Map.copyOf(errorsBySenseKey);
    }

    /** @return commands that ended in CHECK CONDITION, any sense key */
    public long errors() {
        long n = 0;
        for (long v : errorsBySenseKey.values()) {
            n += v;
        }
        return n;
    }

    /** @return all commands completed */
    public long commands() {
        return reads + writes + others;
    }

    /**
     * @param other counters of another LUN or session
     * @return both added (a target's counters from its LUNs', a total)
     */
    public IoStats plus(IoStats other) {
        Map<String, Long> e = new TreeMap<>(errorsBySenseKey);
        other.errorsBySenseKey.forEach((k, v) -> e.merge(k, v, Long::sum));
        return new IoStats(reads + other.reads, writes + other.writes, others + other.others,
                readBytes + other.readBytes, writeBytes + other.writeBytes, e, busy + other.busy,
                inFlight + other.inFlight, readLatency.plus(other.readLatency), writeLatency.plus(other.writeLatency));
    }
}
