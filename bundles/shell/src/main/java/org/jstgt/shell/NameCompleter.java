package org.jstgt.shell;

import java.io.IOException;
import java.util.List;

import org.apache.karaf.config.core.ConfigRepository;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes instance names read from Config Admin at each completion. */
abstract class NameCompleter implements Completer {

    @Reference
    ConfigRepository configRepository;

    /** @return the names to offer */
    abstract List<String> names(ConfigStore store) throws IOException;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        try {
            return new StringsCompleter(names(ConfigStore.of(configRepository))).complete(session, commandLine,
                    candidates);
        } catch (IOException e) {
            return -1;
        }
    }
}
