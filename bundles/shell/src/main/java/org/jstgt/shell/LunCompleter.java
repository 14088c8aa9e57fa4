package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** Completes the names of the LUNs the SCSI core knows now. */
@Service
public final class LunCompleter implements Completer {

    @Reference
    BundleContext bundleContext;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = Views.fromServices(bundleContext, ManagementView::luns).items().stream()
                .map(LunInfo::name).toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
