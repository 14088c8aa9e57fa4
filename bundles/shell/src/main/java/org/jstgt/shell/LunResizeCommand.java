package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-resize}. */
@Service
@Command(scope = "iscsi", name = "lun-resize", description = "Grows a disk: writes the size key of "
        + "etc/jstgt.lun-<name>.cfg through Config Admin. Shrinking is refused.",
        detailedDescription = "classpath:help/lun-resize.txt")
public final class LunResizeCommand extends ConfigCommand {

    @Option(name = "--force", description = "Resize a memory LUN, whose data is lost when its store reopens")
    boolean force;

    @Argument(index = 0, name = "name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String name;

    @Argument(index = 1, name = "size", required = true, description = "The new size, e.g. 20GiB: at least the "
            + "current one, a multiple of the block size")
    String size;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).resize(name, size, force);
        return null;
    }
}
