package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jstgt.api.Pids;
import org.jstgt.api.mgmt.TargetInfo;

/** {@code iscsi:target-info}. */
@Service
@Command(scope = "iscsi", name = "target-info", description = "Shows everything about one target: IQN, alias, "
        + "state, portals, initiators rule, authentication, negotiation limits, LUN map, sessions, and the keys of "
        + "etc/jstgt.target-<name>.cfg.", detailedDescription = "classpath:help/target-info.txt")
public final class TargetInfoCommand extends ConfigCommand {

    @Argument(index = 0, name = "target", required = true, description = "Target name (etc/jstgt.target-<name>.cfg)")
    @Completion(TargetCompleter.class)
    String target;

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        Snapshot s = Snapshot.of(bundleContext);
        TargetInfo t = s.requireTarget(target);
        TargetDetails.print(session.getConsole(), t, ConfigStore.of(configRepository).find(Pids.TARGET, target)
                .map(ConfigStore.Instance::properties).orElse(null), s, !noFormat);
        return null;
    }
}
