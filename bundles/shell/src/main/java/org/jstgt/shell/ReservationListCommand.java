package org.jstgt.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jstgt.api.mgmt.ReservationInfo;

/** {@code iscsi:pr-list}. */
@Service
@Command(scope = "iscsi", name = "pr-list", description = "Lists a LUN's persistent reservation (type, holder), PRgeneration, APTPL, an SPC-2 RESERVE if one is held, and its registrations: key, initiator port, target port (all: ALL_TG_PT) and whether it holds the reservation.")
public final class ReservationListCommand extends LunViewCommand {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Override
    public Object execute() {
        show(session.getConsole(), lun, Views.fromServices(bundleContext,
                v -> v.reservations(lun).map(List::of).orElse(List.of())), !noFormat);
        return null;
    }

    /** Prints the summary and the registrations of the first view that knows the LUN. */
    static void show(PrintStream out, String lun, Views.Listing<ReservationInfo> l, boolean format) {
        if (l.items().isEmpty()) {
            out.println(unknown(lun));
            Tables.printErrors(out, l.errors());
            return;
        }
        ReservationInfo r = l.items().get(0);
        out.println(Tables.reservationSummary(r));
        Tables.print(out, Tables.registrations(r), l.errors(), format);
    }
}
