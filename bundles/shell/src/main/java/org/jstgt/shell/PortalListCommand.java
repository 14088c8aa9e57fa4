package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.PortalInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** {@code iscsi:portal-list}. */
@Service
@Command(scope = "iscsi", name = "portal-list", description = "Lists portals (etc/jstgt.portal-*.cfg): target portal group tag, configured listen addresses, addresses actually bound, network transport, state, and the ALUA access state of the portal's group (alua.state).")
public final class PortalListCommand implements Action {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        Views.Listing<PortalInfo> l = Views.fromServices(bundleContext, ManagementView::portals).sorted(Views.PORTAL_ORDER);
        Tables.print(session.getConsole(), Tables.portals(l.items()), l.errors(), !noFormat);
        return null;
    }
}
