package org.jstgt.shell;

import org.apache.karaf.config.core.ConfigRepository;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * A command that reads and writes {@code etc/} configuration through Karaf's
 * {@link ConfigRepository}. Karaf injects the references of superclasses too.
 */
abstract class ConfigCommand implements Action {

    @Reference
    ConfigRepository configRepository;

    @Reference
    Session session;

    @Reference
    BundleContext bundleContext;

    CredentialSets credentialSets() {
        return new CredentialSets(ConfigStore.of(configRepository), session.getConsole(),
                SecretFiles.of(bundleContext.getProperty(SecretFiles.SECRETS_DIR)));
    }

    TargetRules targetRules() {
        return new TargetRules(ConfigStore.of(configRepository), session.getConsole());
    }

    DiscoveryAuth discoveryAuth() {
        return new DiscoveryAuth(ConfigStore.of(configRepository), session.getConsole());
    }

    AluaStates aluaStates() {
        return new AluaStates(ConfigStore.of(configRepository), session.getConsole());
    }
}
