package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:acl-add}. */
@Service
@Command(scope = "iscsi", name = "acl-add", description = "Adds an entry to the initiators rule of "
        + "etc/jstgt.target-<name>.cfg through Config Admin, before a final ALL.",
        detailedDescription = "classpath:help/acl-add.txt")
public final class AclAddCommand extends ConfigCommand {

    @Argument(index = 0, name = "target", required = true, description = "Target name (etc/jstgt.target-<name>.cfg) "
            + "or IQN")
    @Completion(TargetCompleter.class)
    String target;

    @Argument(index = 1, name = "pattern", required = true, description = "Initiator name or pattern "
            + "(iqn.2026-01.com.example:*), IP address or network (10.0.0.0/8), ALL; a leading '!' denies")
    String pattern;

    @Override
    public Object execute() throws Exception {
        new TargetDefinitions(ConfigStore.of(configRepository), session.getConsole()).aclAdd(target, pattern);
        return null;
    }
}
