package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-online}. */
@Service
@Command(scope = "iscsi", name = "lun-online", description = "Brings an offline LUN back: writes offline = false to "
        + "etc/jstgt.lun-<name>.cfg; the SCSI core opens its store again and I/O resumes.",
        detailedDescription = "classpath:help/lun-online.txt")
public final class LunOnlineCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).offline(name, false, false);
        return null;
    }
}
