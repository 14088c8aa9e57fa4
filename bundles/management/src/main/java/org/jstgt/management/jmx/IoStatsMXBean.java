package org.jstgt.management.jmx;

import java.util.Map;

/**
 * A LUN's, target's or session's counters as JMX attributes, all read-only, registered as
 * {@code org.jstgt:type=Lun|Target|Session,name=<name or TSIH>}. Totals count since the entity came
 * up; rates and latency quantiles cover the last polling interval (about a second).
 */
public interface IoStatsMXBean {
    /** @return the state the views report (ACTIVE, WAITING(...), LOGGED_IN, ...) */
    String getState();

    /** @return read commands completed */
    long getReads();

    /** @return write commands completed */
    long getWrites();

    /** @return other commands completed */
    long getOtherCommands();

    /** @return bytes sent to initiators by reads */
    long getReadBytes();

    /** @return bytes received from initiators by writes */
    long getWriteBytes();

    /** @return commands that ended in CHECK CONDITION */
    long getErrors();

    /** @return CHECK CONDITIONs by sense key name */
    Map<String, Long> getErrorsBySenseKey();

    /** @return commands that ended in BUSY, TASK SET FULL or RESERVATION CONFLICT */
    long getBusy();

    /** @return commands in flight now */
    int getInFlight();

    /** @return reads per second in the last interval */
    double getReadIops();

    /** @return writes per second in the last interval */
    double getWriteIops();

    /** @return bytes per second read in the last interval */
    double getReadBytesPerSecond();

    /** @return bytes per second written in the last interval */
    double getWriteBytesPerSecond();

    /** @return median read latency of the last interval, milliseconds */
    double getReadLatencyP50Millis();

    /** @return 99th percentile read latency of the last interval, milliseconds */
    double getReadLatencyP99Millis();

    /** @return 99.9th percentile read latency of the last interval, milliseconds */
    double getReadLatencyP999Millis();

    /** @return median write latency of the last interval, milliseconds */
    double getWriteLatencyP50Millis();

    /** @return 99th percentile write latency of the last interval, milliseconds */
    double getWriteLatencyP99Millis();

    /** @return 99.9th percentile write latency of the last interval, milliseconds */
    double getWriteLatencyP999Millis();

    /** @return mean read latency since the entity came up, milliseconds */
    double getReadLatencyMeanMillis();

    /** @return mean write latency since the entity came up, milliseconds */
    double getWriteLatencyMeanMillis();
}
