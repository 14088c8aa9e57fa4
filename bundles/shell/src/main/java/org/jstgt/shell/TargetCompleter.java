package org.jstgt.shell;

import java.io.IOException;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Completes target names (etc/jstgt.target-<name>.cfg). */
@Service
public final class TargetCompleter extends NameCompleter {

    @Override
    List<String> names(ConfigStore store) throws IOException {
        return new TargetRules(store, null).names();
    }
}
