package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.SessionDetail;
import org.osgi.framework.BundleContext;

/** {@code iscsi:session-info}. */
@Service
@Command(scope = "iscsi", name = "session-info", description = "Shows one iSCSI session in detail: initiator, "
        + "target, authentication, command window (ExpCmdSN, MaxCmdSN), commands in flight, ErrorRecoveryLevel, I/O "
        + "counters, each connection (addresses, state, digests, data segment lengths, StatSN) and the negotiated keys.",
        detailedDescription = "classpath:help/session-info.txt")
public final class SessionInfoCommand implements Action {

    @Argument(index = 0, name = "tsih", required = true, description = "The session's TSIH, as iscsi:session-list "
            + "shows it (0x0001 or 1)")
    @Completion(SessionCompleter.class)
    String tsih;

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        int t = Facts.parseTsih(tsih);
        Views.Listing<SessionDetail> l = Views.fromServices(bundleContext,
                (ManagementView v) -> v.session(t).map(java.util.List::of).orElse(java.util.List.of()));
        if (l.items().isEmpty()) {
            throw Snapshot.of(bundleContext).unknownSession(t);
        }
        SessionDetails.print(session.getConsole(), l.items().get(0), l.errors(), !noFormat);
        return null;
    }
}
