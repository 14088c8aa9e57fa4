package org.jstgt.auth.chap;

import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.Set;

import org.jstgt.api.Pids;
import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.AuthStep;
import org.jstgt.api.auth.Authenticator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * CHAP as an OSGi service: the {@link Authenticator} for {@code AuthMethod=CHAP}, and a
 * {@link ManagedServiceFactory} for the credential sets ({@link Pids#AUTH},
 * {@code etc/jstgt.auth-<name>.cfg}). Each login gets a {@link ChapExchange} under the
 * {@link ChapPolicy} its target's configuration sets; the logic lives in those plain classes.
 *
 * <p>Credential sets go to a ManagedServiceFactory rather than DS factory components: every login
 * looks through all the sets its target names, so they live in one registry.
 */
@Component(name = ChapAuthenticator.NAME, service = Authenticator.class, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE, property = Authenticator.METHOD + "=CHAP")
public final class ChapAuthenticator implements Authenticator {
    /** The component's name (stable; it needs no configuration of its own). */
    public static final String NAME = "jstgt.auth.chap";

    private final CredentialSets sets = new CredentialSets();
    private final FailureDelay delays = new FailureDelay(System::nanoTime);
    // one per service; new SecureRandom() reads the non-blocking system source (never
    // getInstanceStrong(), which may block the I/O thread that starts a login)
    private final SecureRandom random = new SecureRandom();
    private final ServiceRegistration<ManagedServiceFactory> factory;

    @Activate
    public ChapAuthenticator(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, Pids.AUTH);
        factory = context.registerService(ManagedServiceFactory.class, sets, props);
    }

    @Deactivate
    void deactivate() {
        try {
            factory.unregister();
        } catch (IllegalStateException e) {
            // already gone with the bundle
        }
    }

    @Override
    public Set<String> keys() {
        return ChapExchange.KEYS;
    }

    @Override
    public AuthExchange start(AuthContext context) {
        ChapPolicy policy;
        try {
            policy = ChapPolicy.of(context, sets.snapshot());
        } catch (ChapPolicy.Invalid e) {
            String why = e.getMessage();
            return (received, transit) -> AuthStep.targetError(why);
        }
        return new ChapExchange(context, policy, random, delays);
    }
}
