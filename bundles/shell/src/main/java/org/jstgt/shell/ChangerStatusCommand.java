package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:changer-status}. */
@Service
@Command(scope = "iscsi", name = "changer-status", description = "Shows a tape library's elements: the transport, "
        + "storage slots, mail slots and drives, with the barcode of each cartridge and the tape LUN of each drive.")
public final class ChangerStatusCommand extends MediaCommand {

    @Argument(index = 0, name = "lun", required = true, description = "The changer's LUN name")
    @Completion(LunCompleter.class)
    String lun;

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Override
    public Object execute() {
        Tables.print(session.getConsole(), Tables.elements(changers().status(lun)), java.util.List.of(), !noFormat);
        return null;
    }
}
