package org.jstgt.management;

/**
 * What the HTTP side asks of the poller (a service private to this bundle): the Prometheus text
 * and the latest sample.
 */
public interface Telemetry {
    /** @return every jstgt meter in the Prometheus text format 0.0.4, counters refreshed now */
    String scrape();

    /** @return the latest sample (rates of the last polling interval) */
    Sample sample();

    /** @return the last minutes of each LUN's rates, oldest first */
    java.util.Map<String, java.util.List<LunHistory.Point>> history();
}
