package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:lun-set}. */
@Service
@Command(scope = "iscsi", name = "lun-set", description = "Sets one key of etc/jstgt.lun-<name>.cfg through "
        + "Config Admin, checked with the whole definition first.",
        detailedDescription = "classpath:help/lun-set.txt")
public final class LunSetCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String name;

    @Argument(index = 1, name = "key", required = true, description = "The key, e.g. serial, vendor, product, "
            + "read.only, queue.depth, sense.format, medium")
    @Completion(value = StringsCompleter.class, values = {"serial", "vendor", "product", "revision", "read.only",
        "offline", "queue.depth", "sense.format", "naa.company.id", "block.size", "store.path", "medium", "medium.size",
        "density", "changer.drives", "changer.slots", "changer.mailslots", "changer.media"})
    String key;

    @Argument(index = 2, name = "value", required = true, description = "Its value")
    String value;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).set(name, key, value);
        return null;
    }
}
