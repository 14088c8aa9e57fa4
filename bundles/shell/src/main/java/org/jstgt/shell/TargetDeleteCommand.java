package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:target-delete}. */
@Service
@Command(scope = "iscsi", name = "target-delete", description = "Removes a target definition, "
        + "etc/jstgt.target-<name>.cfg, through Config Admin; its LUNs stay defined.",
        detailedDescription = "classpath:help/target-delete.txt")
public final class TargetDeleteCommand extends ConfigCommand {

    @Argument(index = 0, name = "target", required = true, description = "Target name (etc/jstgt.target-<name>.cfg) "
            + "or IQN")
    @Completion(TargetCompleter.class)
    String target;

    @Override
    public Object execute() throws Exception {
        new TargetDefinitions(ConfigStore.of(configRepository), session.getConsole()).delete(target);
        return null;
    }
}
