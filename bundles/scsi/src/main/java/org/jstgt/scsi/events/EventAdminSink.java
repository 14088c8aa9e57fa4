package org.jstgt.scsi.events;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Sends the core's events to Event Admin while it is there ({@link EventAdmin#postEvent}:
 * asynchronous). The only class naming Event Admin's types: a component that requires the
 * service, so that without it (or its package, imported optionally) the core runs as before.
 */
@Component(service = {}, immediate = true)
public final class EventAdminSink implements EventSink {
    private final EventAdmin eventAdmin;

    /** @param eventAdmin Event Admin */
    @Activate
    public EventAdminSink(@Reference EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
        CoreEvents.sink(this);
    }

    @Deactivate
    void deactivate() {
        CoreEvents.remove(this);
    }

    @Override
    public void post(String topic, Map<String, Object> properties) {
        eventAdmin.postEvent(new Event(topic, properties));
    }
}
