package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-unset}. */
@Service
@Command(scope = "iscsi", name = "lun-unset", description = "Removes one key of etc/jstgt.lun-<name>.cfg through "
        + "Config Admin, so the default applies; checked first.",
        detailedDescription = "classpath:help/lun-unset.txt")
public final class LunUnsetCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String name;

    @Argument(index = 1, name = "key", required = true, description = "The key to remove")
    String key;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).unset(name, key);
        return null;
    }
}
