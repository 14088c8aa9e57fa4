package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-unmap}. */
@Service
@Command(scope = "iscsi", name = "lun-unmap", description = "Removes the lun.<number> key of "
        + "etc/jstgt.target-<name>.cfg through Config Admin; the LUN stays defined.",
        detailedDescription = "classpath:help/lun-unmap.txt")
public final class LunUnmapCommand extends ConfigCommand {

    @Argument(index = 0, name = "target", required = true, description = "Target name (etc/jstgt.target-<name>.cfg) "
            + "or IQN")
    @Completion(TargetCompleter.class)
    String target;

    @Argument(index = 1, name = "lun-number", required = true, description = "LUN number, 0..16383")
    String number;

    @Override
    public Object execute() throws Exception {
        new TargetDefinitions(ConfigStore.of(configRepository), session.getConsole()).unmap(target, number);
        return null;
    }
}
