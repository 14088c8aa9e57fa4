package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:changer-move}. */
@Service
@Command(scope = "iscsi", name = "changer-move", description = "Moves a cartridge in a tape library, as MOVE MEDIUM "
        + "does: into a drive loads it into that tape LUN, out of a drive unloads it first. The library keeps the "
        + "new state across restarts.", detailedDescription = "classpath:help/changer-move.txt")
public final class ChangerMoveCommand extends MediaCommand {

    @Argument(index = 0, name = "lun", required = true, description = "The changer's LUN name")
    @Completion(LunCompleter.class)
    String lun;

    @Argument(index = 1, name = "from", required = true, description = "Source element: slot:N, drive:N, mail:N or an element address")
    @Completion(ElementCompleter.class)
    String from;

    @Argument(index = 2, name = "to", required = true, description = "Destination element: slot:N, drive:N, mail:N or an element address")
    @Completion(ElementCompleter.class)
    String to;

    @Override
    public Object execute() throws Exception {
        changers().move(lun, from, to);
        return null;
    }
}
