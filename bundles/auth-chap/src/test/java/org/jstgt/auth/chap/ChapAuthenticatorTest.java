package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.Pids;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ManagedServiceFactory;

/** The DS shell, with a BundleContext that records what it registers. */
class ChapAuthenticatorTest extends ChapTestSupport {
    private final List<Object> registered = new ArrayList<>();
    private final List<Dictionary<?, ?>> properties = new ArrayList<>();
    private int unregistered;

    private BundleContext context() {
        Object registration = Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {org.osgi.framework.ServiceRegistration.class}, (p, m, a) -> {
                    if (m.getName().equals("unregister")) {
                        unregistered++;
                    }
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> {
                    if (m.getName().equals("registerService") && a[0] == ManagedServiceFactory.class) {
                        registered.add(a[1]);
                        properties.add((Dictionary<?, ?>) a[2]);
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void registersTheCredentialFactoryAndAuthenticatesWithWhatItReceives() throws Exception {
        ChapAuthenticator chap = new ChapAuthenticator(context());
        assertEquals(Set.of("CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R"), chap.keys());
        assertEquals(1, registered.size());
        assertEquals(Pids.AUTH, properties.get(0).get(Constants.SERVICE_PID));
        ManagedServiceFactory factory = (ManagedServiceFactory) registered.get(0);
        factory.updated("jstgt.auth.x", new Hashtable<>(CredentialSetsTest.file("alice", "chap.user", "alice",
                "chap.secret", ALICE_SECRET)));

        AuthExchange x = chap.start(context("chap", Map.of("auth.groups", "alice")));
        Challenge c = challenged(x, "5");
        AuthStep s = step(x, true, "CHAP_N", "alice", "CHAP_R", hex(chap(5, c.id(), ALICE_SECRET, c.bytes())));
        assertEquals(AuthStep.Outcome.SUCCESS, s.outcome(), s.detail());

        // a deleted set applies to the next login at once
        factory.deleted("jstgt.auth.x");
        AuthStep refused = chap.start(context("chap", Map.of("auth.groups", "alice"))).step(List.of(), false);
        assertEquals(AuthStep.Outcome.TARGET_ERROR, refused.outcome());
        assertTrue(refused.detail().contains("credential set 'alice' is not loaded"), refused.detail());

        chap.deactivate();
        assertEquals(1, unregistered);
    }

    @Test
    void aTargetWithoutAuthGroupsIsATargetErrorNamingFileAndKey() {
        ChapAuthenticator chap = new ChapAuthenticator(context());
        AuthStep s = chap.start(context("chap", Map.of())).step(List.of(), false);
        assertEquals(AuthStep.Outcome.TARGET_ERROR, s.outcome());
        assertEquals(0, s.delayMillis());
        assertTrue(s.detail().startsWith(ORIGIN + ": key auth.groups is missing"), s.detail());
        s = chap.start(context("none", Map.of("auth.groups", "alice"))).step(List.of(), false);
        assertEquals(AuthStep.Outcome.TARGET_ERROR, s.outcome());
        assertTrue(s.detail().contains("key auth: 'none'"), s.detail());
    }
}
