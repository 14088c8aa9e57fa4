package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code iscsi:media-load}. */
@Service
@Command(scope = "iscsi", name = "media-load", description = "Loads an image into a DVD or tape LUN whose drive is "
        + "empty, live, and records it as the LUN's medium key (etc/jstgt.lun-<name>.cfg). A tape cartridge that does "
        + "not exist yet is created with the LUN's medium.size.", detailedDescription = "classpath:help/media-load.txt")
public final class MediaLoadCommand extends MediaCommand {

    @Argument(index = 0, name = "lun", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String lun;

    @Argument(index = 1, name = "image", required = true, description = "The ISO image or tape cartridge file")
    @Completion(FileCompleter.class)
    String image;

    @Override
    public Object execute() throws Exception {
        media().load(lun, image);
        return null;
    }
}
