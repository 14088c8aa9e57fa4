package org.jstgt.iscsi.events;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Sends the fabric's events to Event Admin while it is there ({@link EventAdmin#postEvent}:
 * asynchronous, the event loop never waits for a handler). The only class naming Event Admin's
 * types: it is a component that requires the service, so without Event Admin (or its package,
 * imported optionally) nothing is posted and the rest of the fabric runs as before.
 */
@Component(service = {}, immediate = true)
public final class EventAdminSink implements EventSink {
    private final EventAdmin eventAdmin;

    /** @param eventAdmin Event Admin */
    @Activate
    public EventAdminSink(@Reference EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
        SessionEvents.sink(this);
    }

    @Deactivate
    void deactivate() {
        SessionEvents.remove(this);
    }

    @Override
    public void post(String topic, Map<String, Object> properties) {
        eventAdmin.postEvent(new Event(topic, properties));
    }
}
