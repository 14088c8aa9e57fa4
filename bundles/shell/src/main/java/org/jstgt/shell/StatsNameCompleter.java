package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.osgi.framework.BundleContext;

/**
 * Completes the names {@code iscsi:stats} shows for the scope on its command line: LUN names,
 * with {@code --target} target names, with {@code --session} TSIHs, from the live counters.
 */
@Service
public final class StatsNameCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> words = List.of(commandLine.getArguments());
        StatsWatch.Scope scope = words.contains("--session") ? StatsWatch.Scope.SESSION
                : words.contains("--target") ? StatsWatch.Scope.TARGET : StatsWatch.Scope.LUN;
        List<String> names = List.copyOf(StatsCommand.sample(bundleContext, scope).stats().keySet());
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
