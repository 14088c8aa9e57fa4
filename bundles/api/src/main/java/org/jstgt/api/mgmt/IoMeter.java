package org.jstgt.api.mgmt;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records completed commands into the counters of {@link IoStats}; lock-free and cheap enough for
 * every command (a few striped additions, no allocation). The SCSI core keeps one per LUN and per
 * target, the fabric one per session.
 */
public final class IoMeter {
    /** What a command did to the medium. */
    public enum Kind {
        /** moved data to the initiator from the medium */
        READ,
        /** moved data from the initiator to the medium */
        WRITE,
        /** anything else */
        OTHER;

        /**
         * The one rule the core (LUNs, targets) and the fabric (sessions) count by, so that the views
         * agree: READ when the parsed data direction is IN and the opcode reads the medium
         * (READ(6/10/12/16) 08h/28h/A8h/88h, READ CD BEh, READ CD MSF B9h); WRITE when the direction
         * is OUT and the opcode writes the medium (WRITE(6/10/12/16), WRITE AND VERIFY(10/12/16),
         * WRITE SAME(10/16), COMPARE AND WRITE 89h, ORWRITE(16) 8Bh, WRITE ATOMIC(16) 9Ch); anything
         * else, and a command that ended before its data phase (direction NONE), is OTHER. By opcode
         * rather than LBA range, so that a tape's READ(6) and WRITE(6) count too.
         *
         * @param opcode the CDB's operation code
         * @param direction the parsed data direction
         * @return the command's kind
         */
        public static Kind of(int opcode, org.jstgt.api.scsi.DataDirection direction) {
            if (direction == org.jstgt.api.scsi.DataDirection.IN) {
                return switch (opcode) {
                    case 0x08, 0x28, 0xA8, 0x88, 0xBE, 0xB9 -> READ;
                    default -> OTHER;
                };
            }
            if (direction == org.jstgt.api.scsi.DataDirection.OUT) {
                return switch (opcode) {
                    case 0x0A, 0x2A, 0xAA, 0x8A, 0x2E, 0xAE, 0x8E, 0x41, 0x93, 0x89, 0x8B, 0x9C -> WRITE;
                    default -> OTHER;
                };
            }
            return OTHER;
        }
    }

    private static final String[] SENSE_KEYS = {"NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR",
        "HARDWARE ERROR", "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
        "COPY ABORTED", "ABORTED COMMAND", "RESERVED 0CH", "VOLUME OVERFLOW", "MISCOMPARE", "COMPLETED"};
    private static final int CHECK_CONDITION = 0x02;
    private static final int BUSY = 0x08;
    private static final int RESERVATION_CONFLICT = 0x18;
    private static final int TASK_SET_FULL = 0x28;

    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder others = new LongAdder();
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writeBytes = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder[] senseKeys = adders(16);
    private final Latencies readLatency = new Latencies();
    private final Latencies writeLatency = new Latencies();

    /**
     * @param kind what the command did
     * @param bytes data moved (reads: sent, writes: received)
     * @param nanos from arrival to completion
     * @param status SCSI status byte
     * @param senseKey the sense key with CHECK CONDITION, otherwise ignored
     */
    public void record(Kind kind, long bytes, long nanos, int status, int senseKey) {
        switch (kind) {
            case READ -> {
                reads.increment();
                readBytes.add(bytes);
                readLatency.add(nanos);
            }
            case WRITE -> {
                writes.increment();
                writeBytes.add(bytes);
                writeLatency.add(nanos);
            }
            default -> others.increment();
        }
        if (status == CHECK_CONDITION) {
            senseKeys[senseKey & 0x0f].increment();
        } else if (status == BUSY || status == RESERVATION_CONFLICT || status == TASK_SET_FULL) {
            busy.increment();
        }
    }

    /**
     * @param inFlight commands accepted and not yet completed, as the owner counts them
     * @return the counters now
     */
    public IoStats snapshot(int inFlight) {
        Map<String, Long> errors = new TreeMap<>();
        for (int k = 0; k < senseKeys.length; k++) {
            long n = senseKeys[k].sum();
            if (n != 0) {
                errors.put(SENSE_KEYS[k], n);
            }
        }
        return new IoStats(reads.sum(), writes.sum(), others.sum(), readBytes.sum(), writeBytes.sum(), errors,
                busy.sum(), inFlight, readLatency.snapshot(), writeLatency.snapshot());
    }

    /**
     * @param senseKey 0 to 15
     * @return its name as {@link IoStats#errorsBySenseKey()} uses it
     */
    public static String senseKeyName(int senseKey) {
        return SENSE_KEYS[senseKey & 0x0f];
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** One histogram's buckets and sum; a bucket's adder is made when first used. */
    private static final class Latencies {
        private final java.util.concurrent.atomic.AtomicReferenceArray<LongAdder> buckets =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(LatencyHistogram.BUCKETS);
        private final LongAdder sum = new LongAdder();

        void add(long nanos) {
            int b = LatencyHistogram.bucketOf(nanos);
            LongAdder a = buckets.get(b);
            if (a == null) {
                LongAdder fresh = new LongAdder();
                a = buckets.compareAndExchange(b, null, fresh);
                if (a == null) {
                    a = fresh;
                }
            }
            a.increment();
            sum.add(Math.max(0, nanos));
        }

        LatencyHistogram snapshot() {
            long[] counts = new long[LatencyHistogram.BUCKETS];
            for (int i = 0; i < counts.length; i++) {
                LongAdder a = buckets.get(i);
                counts[i] = a == null ? 0 : a.sum();
            }
            return new LatencyHistogram(counts, sum.sum());
        }
    }
}
