package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code iscsi:lun-create}. */
@Service
@Command(scope = "iscsi", name = "lun-create", description = "Defines a LUN: writes etc/jstgt.lun-<name>.cfg through "
        + "Config Admin, every key checked first. A disk on a file store by default.",
        detailedDescription = "classpath:help/lun-create.txt")
public final class LunCreateCommand extends ConfigCommand {

    @Option(name = "--device", description = "device.type: disk (default), dvd, tape or changer")
    @Completion(value = StringsCompleter.class, values = {"disk", "dvd", "tape", "changer"})
    String device;

    @Option(name = "--store", description = "store.type of a disk: file (default), memory or null")
    @Completion(value = StringsCompleter.class, values = {"file", "memory", "null"})
    String store;

    @Option(name = "--path", description = "store.path of a file store: an absolute path of a file or block device "
            + "(default ${karaf.data}/luns/<name>.img)")
    @Completion(FileCompleter.class)
    String path;

    @Option(name = "--size", description = "size, e.g. 1GiB; required for a new file and for memory and null stores")
    String size;

    @Option(name = "--block-size", description = "block.size: 512 (default), 1024, 2048 or 4096")
    @Completion(value = StringsCompleter.class, values = {"512", "1024", "2048", "4096"})
    String blockSize;

    @Option(name = "--read-only", description = "read.only = true")
    boolean readOnly;

    @Option(name = "--set", multiValued = true, description = "Another key as key=value, e.g. serial=disk0, "
            + "medium=/srv/iso/disc.iso, changer.slots=8; may be repeated")
    List<String> sets;

    @Argument(index = 0, name = "name", required = true, description = "LUN name: the <name> of "
            + "etc/jstgt.lun-<name>.cfg (letters, digits, '.', '_')")
    String name;

    @Override
    public Object execute() throws Exception {
        new LunDefinitions(ConfigStore.of(configRepository), session.getConsole(),
                LunDefinitions.dataDir(bundleContext.getProperty("karaf.data"))).create(new LunDefinitions.Request(
                        name, device, store, path, size, blockSize, readOnly, sets));
        return null;
    }
}
