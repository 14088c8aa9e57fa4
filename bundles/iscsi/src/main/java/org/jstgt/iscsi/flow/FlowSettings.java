package org.jstgt.iscsi.flow;

import java.util.Locale;
import java.util.Map;

import io.netty.channel.WriteBufferWaterMark;

import org.jstgt.iscsi.events.ConfigEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory and flow limits of one target's sessions (keys of {@code etc/jstgt.target-<name>.cfg}).
 * A bad value is logged with the file and key and replaced by its default; the target keeps
 * working.
 */
public final class FlowSettings {
    private static final Logger LOG = LoggerFactory.getLogger(FlowSettings.class);

    static final long KIB = 1024;
    static final long MIB = 1024 * KIB;
    static final long GIB = 1024 * MIB;

    /** Key: bytes of write data buffers one session may hold at once. */
    public static final String WRITE_BUFFER_MAX = "write.buffer.max";
    static final long DEFAULT_WRITE_BUFFER_MAX = 64 * MIB;
    /** Key: bytes of Data-In buffers one session's executing commands may hold at once. */
    public static final String READ_BUFFER_MAX = "read.buffer.max";
    static final long DEFAULT_READ_BUFFER_MAX = 64 * MIB;
    /** Key: seconds a task may wait for its next Data-Out before it is failed. */
    public static final String DATA_PHASE_TIMEOUT = "data.phase.timeout";
    static final long DEFAULT_DATA_PHASE_TIMEOUT = 60;
    /** Key: immediate SCSI commands (outside the command window) one session may have outstanding. */
    public static final String IMMEDIATE_COMMANDS_MAX = "immediate.commands.max";
    static final long DEFAULT_IMMEDIATE_COMMANDS_MAX = 4;
    /** Key: unsolicited Data-Out PDUs kept for one command still waiting for its CmdSN. */
    public static final String EARLY_DATA_PDUS_MAX = "early.data.pdus.max";
    static final long DEFAULT_EARLY_DATA_PDUS_MAX = 64;
    /** Key: bytes queued for sending on a connection above which the target stops reading it. */
    public static final String SEND_BUFFER_HIGH = "send.buffer.high";
    static final long DEFAULT_SEND_BUFFER_HIGH = 8 * MIB;
    /** Key: bytes queued for sending below which a stopped connection is read again. */
    public static final String SEND_BUFFER_LOW = "send.buffer.low";
    static final long DEFAULT_SEND_BUFFER_LOW = 2 * MIB;

    /** The send queue water marks of a connection until its target is known (login). */
    public static final WriteBufferWaterMark DEFAULT_WATER_MARK =
            new WriteBufferWaterMark((int) DEFAULT_SEND_BUFFER_LOW, (int) DEFAULT_SEND_BUFFER_HIGH);

    private static final FlowSettings DEFAULTS = new FlowSettings(DEFAULT_WRITE_BUFFER_MAX, DEFAULT_READ_BUFFER_MAX,
            (int) DEFAULT_DATA_PHASE_TIMEOUT, (int) DEFAULT_IMMEDIATE_COMMANDS_MAX, (int) DEFAULT_EARLY_DATA_PDUS_MAX,
            DEFAULT_WATER_MARK);

    private final long writeBufferMax;
    private final long readBufferMax;
    private final int dataPhaseTimeoutSeconds;
    private final int immediateCommandsMax;
    private final int earlyDataPdusMax;
    private final WriteBufferWaterMark waterMark;

    FlowSettings(long writeBufferMax, long readBufferMax, int dataPhaseTimeoutSeconds, int immediateCommandsMax,
            int earlyDataPdusMax, WriteBufferWaterMark waterMark) {
        this.writeBufferMax = writeBufferMax;
        this.readBufferMax = readBufferMax;
        this.dataPhaseTimeoutSeconds = dataPhaseTimeoutSeconds;
        this.immediateCommandsMax = immediateCommandsMax;
        this.earlyDataPdusMax = earlyDataPdusMax;
        this.waterMark = waterMark;
    }

    /** @return the defaults (discovery sessions, tests) */
    public static FlowSettings defaults() {
        return DEFAULTS;
    }

    /**
     * @param properties a target configuration
     * @param origin its file, for messages
     * @return validated settings (bad values logged with file and key, defaults used)
     */
    public static FlowSettings from(Map<String, String> properties, String origin) {
        long write = value(properties, origin, WRITE_BUFFER_MAX, DEFAULT_WRITE_BUFFER_MAX, MIB, GIB, true);
        long read = value(properties, origin, READ_BUFFER_MAX, DEFAULT_READ_BUFFER_MAX, MIB, GIB, true);
        long timeout = value(properties, origin, DATA_PHASE_TIMEOUT, DEFAULT_DATA_PHASE_TIMEOUT, 1, 3600, false);
        long immediate = value(properties, origin, IMMEDIATE_COMMANDS_MAX, DEFAULT_IMMEDIATE_COMMANDS_MAX, 0, 1024,
                false);
        long early = value(properties, origin, EARLY_DATA_PDUS_MAX, DEFAULT_EARLY_DATA_PDUS_MAX, 1, 65535, false);
        long high = value(properties, origin, SEND_BUFFER_HIGH, DEFAULT_SEND_BUFFER_HIGH, 64 * KIB, 256 * MIB, true);
        long low = value(properties, origin, SEND_BUFFER_LOW, DEFAULT_SEND_BUFFER_LOW, 32 * KIB, 256 * MIB, true);
        if (low >= high) {
            LOG.warn("{}: key {}: {} is not below {} = {}; using the defaults {} and {}", origin, SEND_BUFFER_LOW, low,
                    SEND_BUFFER_HIGH, high, DEFAULT_SEND_BUFFER_LOW, DEFAULT_SEND_BUFFER_HIGH);
            ConfigEvents.refused(origin, SEND_BUFFER_LOW, low + " is not below " + SEND_BUFFER_HIGH + " = " + high
                    + "; using the defaults " + DEFAULT_SEND_BUFFER_LOW + " and " + DEFAULT_SEND_BUFFER_HIGH);
            low = DEFAULT_SEND_BUFFER_LOW;
            high = DEFAULT_SEND_BUFFER_HIGH;
        }
        return new FlowSettings(write, read, (int) timeout, (int) immediate, (int) early,
                new WriteBufferWaterMark((int) low, (int) high));
    }

    private static long value(Map<String, String> properties, String origin, String key, long dflt, long min,
            long max, boolean size) {
        String v = properties.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        long parsed;
        try {
            parsed = size ? bytes(v) : Long.parseLong(v.trim());
        } catch (NumberFormatException | ArithmeticException e) {
            parsed = Long.MIN_VALUE;
        }
        if (parsed < min || parsed > max) {
            String kind = size ? "a size (bytes, or with KiB/MiB/GiB)" : "a number";
            LOG.warn("{}: key {}: '{}' is not {} in {}..{}; using the default {}", origin, key, v, kind, min, max, dflt);
            ConfigEvents.refused(origin, key, "'" + v + "' is not " + kind + " in " + min + ".." + max
                    + "; using the default " + dflt);
            return dflt;
        }
        return parsed;
    }

    /**
     * @param v {@code 1048576}, {@code 1024KiB}, {@code 64 MiB}, {@code 1GiB}
     * @return bytes
     * @throws NumberFormatException when it is not such a size
     * @throws ArithmeticException when it does not fit in a long
     */
    static long bytes(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        for (String[] u : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"b", "1"}}) {
            if (s.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        return Math.multiplyExact(Long.parseLong(s), unit);
    }

    /** @return bytes of write data buffers one session may hold at once */
    public long writeBufferMax() {
        return writeBufferMax;
    }

    /** @return bytes of Data-In buffers one session's executing commands may hold at once */
    public long readBufferMax() {
        return readBufferMax;
    }

    /** @return seconds a task may wait for its next Data-Out */
    public int dataPhaseTimeoutSeconds() {
        return dataPhaseTimeoutSeconds;
    }

    /** @return immediate SCSI commands one session may have outstanding */
    public int immediateCommandsMax() {
        return immediateCommandsMax;
    }

    /** @return unsolicited Data-Out PDUs kept per command waiting for its CmdSN (zero-length ones count) */
    public int earlyDataPdusMax() {
        return earlyDataPdusMax;
    }

    /** @return the send queue water marks of a connection of the target */
    public WriteBufferWaterMark waterMark() {
        return waterMark;
    }
}
