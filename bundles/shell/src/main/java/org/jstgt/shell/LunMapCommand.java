package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-map}. */
@Service
@Command(scope = "iscsi", name = "lun-map", description = "Maps a LUN into a target: writes lun.<number> = "
        + "<lun-name> to etc/jstgt.target-<name>.cfg through Config Admin.",
        detailedDescription = "classpath:help/lun-map.txt")
public final class LunMapCommand extends ConfigCommand {

    @Argument(index = 0, name = "target", required = true, description = "Target name (etc/jstgt.target-<name>.cfg) "
            + "or IQN")
    @Completion(TargetCompleter.class)
    String target;

    @Argument(index = 1, name = "lun-number", required = true, description = "LUN number the initiators see, "
            + "0..16383")
    String number;

    @Argument(index = 2, name = "lun-name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String lun;

    @Option(name = "--replace", description = "Replace the LUN the number maps now")
    boolean replace;

    @Override
    public Object execute() throws Exception {
        new TargetDefinitions(ConfigStore.of(configRepository), session.getConsole()).map(target, number, lun, replace);
        return null;
    }
}
