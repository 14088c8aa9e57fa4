package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-delete}. */
@Service
@Command(scope = "iscsi", name = "lun-delete", description = "Removes a LUN definition, "
        + "etc/jstgt.lun-<name>.cfg, through Config Admin; refused while a target maps it unless --force. Never "
        + "deletes the backing file.",
        detailedDescription = "classpath:help/lun-delete.txt")
public final class LunDeleteCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String name;

    @Option(name = "--force", description = "Also remove the lun.N mappings of every target that maps it")
    boolean force;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).delete(name, force);
        return null;
    }
}
