package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** {@code iscsi:lun-list}. */
@Service
@Command(scope = "iscsi", name = "lun-list", description = "Lists logical units (etc/jstgt.lun-*.cfg): device and store type, size, block size, backing path, state (ACTIVE, WAITING for a provider, FAILED with the reason) and the targets that map them.")
public final class LunListCommand implements Action {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        Views.Listing<LunInfo> l = Views.fromServices(bundleContext, ManagementView::luns).sorted(Views.LUN_ORDER);
        Tables.print(session.getConsole(), Tables.luns(l.items()), l.errors(), !noFormat);
        return null;
    }
}
