package org.jstgt.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:pr-clear}. */
@Service
@Command(scope = "iscsi", name = "pr-clear", description = "Recovery: removes every registration and reservation of a LUN (persistent, and an SPC-2 RESERVE), as a PERSISTENT RESERVE OUT CLEAR would; the registered initiators get RESERVATIONS PREEMPTED. Logged at WARN. Use when the initiator holding a reservation is gone for good.")
public final class ReservationClearCommand extends LunViewCommand {

    @Override
    public Object execute() {
        report(session.getConsole(), lun, Views.fromServices(bundleContext,
                v -> v.clearReservations(lun) ? List.of(lun) : List.<String>of()));
        return null;
    }

    /** Says whether a view cleared the LUN. */
    static void report(PrintStream out, String lun, Views.Listing<String> cleared) {
        out.println(cleared.items().isEmpty() ? unknown(lun)
                : "LUN " + lun + ": registrations and reservations cleared; registered initiators get "
                        + "RESERVATIONS PREEMPTED");
        Tables.printErrors(out, cleared.errors());
    }
}
