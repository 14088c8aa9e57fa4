package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** {@code iscsi:session-list}. */
@Service
@Command(scope = "iscsi", name = "session-list", description = "Lists iSCSI sessions: TSIH, Normal or Discovery, initiator name and ISID, target, portal group tag, connection addresses, commands in flight and how the initiator authenticated (CHAP user).")
public final class SessionListCommand implements Action {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        Views.Listing<SessionInfo> l = Views.fromServices(bundleContext, ManagementView::sessions).sorted(Views.SESSION_ORDER);
        Tables.print(session.getConsole(), Tables.sessions(l.items()), l.errors(), !noFormat);
        return null;
    }
}
