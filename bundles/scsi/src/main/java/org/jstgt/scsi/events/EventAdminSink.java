package org.jstgt.scsi.events;

import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Sends the core's events to Event Admin while it is there ({@link EventAdmin#postEvent}:
 * asynchronous, the caller never waits for a handler). The reference is optional and dynamic, so
 * the bundle resolves and runs without Event Admin (nothing is posted then) and picks it up when it
 * arrives; the package import is optional too. The only class naming Event Admin's types.
 */
@Component(service = {}, immediate = true)
public final class EventAdminSink implements EventSink {
    private volatile EventAdmin eventAdmin;

    /** @param admin Event Admin, now there */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEventAdmin(EventAdmin admin) {
        eventAdmin = admin;
        CoreEvents.sink(this);
    }

    /** @param admin Event Admin, going away */
    void unsetEventAdmin(EventAdmin admin) {
        if (eventAdmin == admin) {
            eventAdmin = null;
        }
    }

    @Deactivate
    void deactivate() {
        CoreEvents.remove(this);
    }

    @Override
    public void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        }
    }
}
