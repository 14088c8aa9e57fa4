package org.jstgt.shell;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.jstgt.api.media.ChangerElement;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** Completes the elements of the changer named by the command's first argument ({@code slot:1}, {@code drive:1}, ...). */
@Service
public final class ElementCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        String[] args = commandLine.getArguments();
        List<String> names = new ArrayList<>();
        if (args.length > 1) {
            String lun = args[1];
            Views.first(bundleContext, (ManagementView v) -> v.changer(lun)).ifPresent(c -> {
                for (ChangerElement e : c.elements()) {
                    if (e.type() != ChangerElement.ElementType.MEDIUM_TRANSPORT) {
                        names.add(e.type().word() + ":" + e.ordinal());
                    }
                }
            });
        }
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
