package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-offline}. */
@Service
@Command(scope = "iscsi", name = "lun-offline", description = "Takes a LUN offline in place: writes offline = true "
        + "to etc/jstgt.lun-<name>.cfg. The LUN stays mapped, running commands finish, then its store closes (copy or "
        + "check the file); initiators get NOT READY until iscsi:lun-online.",
        detailedDescription = "classpath:help/lun-offline.txt")
public final class LunOfflineCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String name;

    @Option(name = "--force", description = "Take a memory LUN offline although its data is lost when its store "
            + "closes")
    boolean force;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).offline(name, true, force);
        return null;
    }
}
