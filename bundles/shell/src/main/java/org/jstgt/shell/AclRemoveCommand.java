package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:acl-remove}. */
@Service
@Command(scope = "iscsi", name = "acl-remove", description = "Removes an entry from the initiators rule of "
        + "etc/jstgt.target-<name>.cfg through Config Admin.",
        detailedDescription = "classpath:help/acl-remove.txt")
public final class AclRemoveCommand extends ConfigCommand {

    @Argument(index = 0, name = "target", required = true, description = "Target name (etc/jstgt.target-<name>.cfg) "
            + "or IQN")
    @Completion(TargetCompleter.class)
    String target;

    @Argument(index = 1, name = "pattern", required = true, description = "The entry, as iscsi:target-acl shows it")
    String pattern;

    @Override
    public Object execute() throws Exception {
        new TargetDefinitions(ConfigStore.of(configRepository), session.getConsole()).aclRemove(target, pattern);
        return null;
    }
}
