package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.jstgt.api.mgmt.ManagementView;

/** Completes the TSIHs of the sessions the iSCSI fabric has now, as iscsi:session-list shows them. */
@Service
public final class SessionCompleter implements Completer {

    @Reference
    org.osgi.framework.BundleContext bundleContext;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> tsihs = Views.fromServices(bundleContext, ManagementView::sessions).items().stream()
                .map(s -> Facts.tsih(s.tsih())).toList();
        return new StringsCompleter(tsihs).complete(session, commandLine, candidates);
    }
}
