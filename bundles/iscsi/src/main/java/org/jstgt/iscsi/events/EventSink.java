package org.jstgt.iscsi.events;

import java.util.Map;

/** Where the fabric's events go: Event Admin when it is there ({@link EventAdminSink}). */
@FunctionalInterface
public interface EventSink {
    /**
     * Posts an event asynchronously; never blocks the caller for delivery.
     *
     * @param topic the topic, e.g. {@link SessionEvents#LOGIN}
     * @param properties its properties (never a secret)
     */
    void post(String topic, Map<String, Object> properties);
}
