package org.jstgt.shell;

import java.io.IOException;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes portal names (etc/jstgt.portal-<name>.cfg). */
@Service
public final class PortalCompleter extends NameCompleter {

    @Override
    List<String> names(ConfigStore store) throws IOException {
        return new AluaStates(store, null).names();
    }
}
