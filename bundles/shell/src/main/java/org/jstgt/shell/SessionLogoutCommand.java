package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.SessionInfo;
import org.osgi.framework.BundleContext;

/** {@code iscsi:session-logout}. */
@Service
@Command(scope = "iscsi", name = "session-logout", description = "Ends an iSCSI session: asks the initiator to log "
        + "out (Asynchronous Message, AsyncEvent 1) on each connection, and closes the connections still there "
        + "after a grace period. Returns at once.", detailedDescription = "classpath:help/session-logout.txt")
public final class SessionLogoutCommand implements Action {

    @Argument(index = 0, name = "tsih", required = true, description = "The session's TSIH, as iscsi:session-list "
            + "shows it (0x0001 or 1)")
    @Completion(SessionCompleter.class)
    String tsih;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        int t = Facts.parseTsih(tsih);
        Snapshot before = Snapshot.of(bundleContext);
        Views.Listing<Boolean> l = Views.fromServices(bundleContext,
                (ManagementView v) -> v.logout(t) ? List.of(true) : List.of());
        session.getConsole().println(logout(before, t, !l.items().isEmpty()));
        Tables.printErrors(session.getConsole(), l.errors());
        return null;
    }

    /**
     * @param before the sessions before the request
     * @param tsih the TSIH
     * @param asked whether a view knew the session and asked it to log out
     * @return what the console says
     * @throws IllegalArgumentException when no view knew it
     */
    static String logout(Snapshot before, int tsih, boolean asked) {
        if (!asked) {
            throw before.unknownSession(tsih);
        }
        SessionInfo s = before.sessions().stream().filter(x -> x.tsih() == tsih).findFirst().orElse(null);
        String who = s == null ? "" : " of " + s.initiatorName() + (s.targetName().isEmpty() ? " (discovery)"
                : " on " + s.targetName());
        return "Session " + Facts.tsih(tsih) + who + " asked to log out; its connections are closed if it has not "
                + "logged out after the grace period (iscsi:session-list shows when it is gone).";
    }
}
