package org.jstgt.management.jmx;

import java.util.Map;
import java.util.function.Supplier;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;
import org.jstgt.management.Entity;
import org.jstgt.management.Rate;

/** Answers {@link IoStatsMXBean} from the latest state of one entity. */
final class IoStatsBean implements IoStatsMXBean {
    private final Supplier<Entity> entity;

    /** @param entity the entity's latest state */
    IoStatsBean(Supplier<Entity> entity) {
        this.entity = entity;
    }

    private IoStats stats() {
        return entity.get().stats();
    }

    private Rate rate() {
        return entity.get().rate();
    }

    private static double millis(LatencyHistogram h, double q) {
        return h.percentileNanos(q) / 1e6;
    }

    @Override
    public String getState() {
        return entity.get().state();
    }

    @Override
    public long getReads() {
        return stats().reads();
    }

    @Override
    public long getWrites() {
        return stats().writes();
    }

    @Override
    public long getOtherCommands() {
        return stats().others();
    }

    @Override
    public long getReadBytes() {
        return stats().readBytes();
    }

    @Override
    public long getWriteBytes() {
        return stats().writeBytes();
    }

    @Override
    public long getErrors() {
        return stats().errors();
    }

    @Override
    public Map<String, Long> getErrorsBySenseKey() {
        return stats().errorsBySenseKey();
    }

    @Override
    public long getBusy() {
        return stats().busy();
    }

    @Override
    public int getInFlight() {
        return stats().inFlight();
    }

    @Override
    public double getReadIops() {
        return rate().readIops();
    }

    @Override
    public double getWriteIops() {
        return rate().writeIops();
    }

    @Override
    public double getReadBytesPerSecond() {
        return rate().readBytesPerSecond();
    }

    @Override
    public double getWriteBytesPerSecond() {
        return rate().writeBytesPerSecond();
    }

    @Override
    public double getReadLatencyP50Millis() {
        return millis(rate().readLatency(), 0.5);
    }

    @Override
    public double getReadLatencyP99Millis() {
        return millis(rate().readLatency(), 0.99);
    }

    @Override
    public double getReadLatencyP999Millis() {
        return millis(rate().readLatency(), 0.999);
    }

    @Override
    public double getWriteLatencyP50Millis() {
        return millis(rate().writeLatency(), 0.5);
    }

    @Override
    public double getWriteLatencyP99Millis() {
        return millis(rate().writeLatency(), 0.99);
    }

    @Override
    public double getWriteLatencyP999Millis() {
        return millis(rate().writeLatency(), 0.999);
    }

    @Override
    public double getReadLatencyMeanMillis() {
        return stats().readLatency().meanNanos() / 1e6;
    }

    @Override
    public double getWriteLatencyMeanMillis() {
        return stats().writeLatency().meanNanos() / 1e6;
    }
}
