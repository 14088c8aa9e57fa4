package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;

/** {@code iscsi:media-list}. */
@Service
@Command(scope = "iscsi", name = "media-list", description = "Lists the DVD and tape LUNs: the loaded medium, the "
        + "drive's state (tape position, tray) and whether an initiator prevents medium removal.")
public final class MediaListCommand extends MediaCommand {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Override
    public Object execute() {
        Views.Listing<LunInfo> l = Views.fromServices(bundleContext, ManagementView::luns).sorted(Views.LUN_ORDER);
        List<List<String>> rows = media().rows(l.items());
        Tables.print(session.getConsole(), Tables.media(rows), l.errors(), !noFormat);
        return null;
    }
}
