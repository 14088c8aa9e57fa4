package org.jstgt.iscsi.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.auth.Authenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Authenticator} services present, by {@code AuthMethod} (whiteboard: services come and
 * go at any time). Changes rebuild an immutable snapshot that logins read without a lock; when two
 * services offer one method, the one registered first serves until it leaves.
 */
public final class Authenticators {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticators.class);

    private record Registered(Authenticator service, String method) {
    }

    private final List<Registered> registered = new ArrayList<>();
    private volatile Map<String, Authenticator> byMethod = Map.of();

    /**
     * @param service a service
     * @param properties its service properties ({@link Authenticator#METHOD} names the method)
     */
    public synchronized void add(Authenticator service, Map<String, ?> properties) {
        Object method = properties.get(Authenticator.METHOD);
        if (method == null || method.toString().isBlank()) {
            LOG.warn("Authenticator {} has no service property {}; ignored", service.getClass().getName(),
                    Authenticator.METHOD);
            return;
        }
        registered.add(new Registered(service, method.toString().trim()));
        publish();
        LOG.info("AuthMethod {} available", method);
    }

    /** @param service a service that left */
    public synchronized void remove(Authenticator service) {
        for (Registered r : registered) {
            if (r.service() == service) {
                registered.remove(r);
                publish();
                LOG.info("AuthMethod {} {}", r.method(), byMethod.containsKey(r.method())
                        ? "served by another Authenticator" : "no longer available: logins that require it fail");
                return;
            }
        }
    }

    private void publish() {
        Map<String, Authenticator> m = new LinkedHashMap<>();
        for (Registered r : registered) {
            m.putIfAbsent(r.method(), r.service());
        }
        byMethod = Map.copyOf(m);
    }

    /**
     * @param method an {@code AuthMethod} value, e.g. {@code CHAP}
     * @return the service for it, or null while none is registered
     */
    public Authenticator find(String method) {
        return byMethod.get(method);
    }
}
