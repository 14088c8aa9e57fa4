package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:media-eject}. */
@Service
@Command(scope = "iscsi", name = "media-eject", description = "Ejects the medium of a DVD or tape LUN, live, and "
        + "removes the medium key of etc/jstgt.lun-<name>.cfg. Refused while an initiator prevents medium removal, unless --force.",
        detailedDescription = "classpath:help/media-eject.txt")
public final class MediaEjectCommand extends MediaCommand {

    @Argument(index = 0, name = "lun", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String lun;

    @Option(name = "--force", description = "Eject even while an initiator prevents medium removal (ends its "
            + "prevention; a backup or install in progress fails)")
    boolean force;

    @Override
    public Object execute() throws Exception {
        media().eject(lun, force);
        return null;
    }
}
