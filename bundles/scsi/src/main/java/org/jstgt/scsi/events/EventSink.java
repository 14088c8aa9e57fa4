package org.jstgt.scsi.events;

import java.util.Map;

/** Where the core's events go: Event Admin when it is there ({@link EventAdminSink}). */
@FunctionalInterface
public interface EventSink {
    /**
     * Posts an event asynchronously; never blocks the caller for delivery.
     *
     * @param topic the topic, e.g. {@link CoreEvents#LUN_STATE}
     * @param properties its properties
     */
    void post(String topic, Map<String, Object> properties);
}
