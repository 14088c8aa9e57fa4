package org.jstgt.shell;

import java.io.IOException;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes CHAP credential set names (etc/jstgt.auth-<name>.cfg). */
@Service
public final class CredentialSetCompleter extends NameCompleter {

    @Override
    List<String> names(ConfigStore store) throws IOException {
        return new CredentialSets(store, null, java.util.Optional.empty()).names();
    }
}
