package org.jstgt.shell;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jstgt.api.Pids;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;

/** {@code iscsi:lun-info}. */
@Service
@Command(scope = "iscsi", name = "lun-info", description = "Shows everything about one LUN: state, device, store, "
        + "size, where it is mapped, reservations, medium, I/O counters, and the keys of etc/jstgt.lun-<name>.cfg.",
        detailedDescription = "classpath:help/lun-info.txt")
public final class LunInfoCommand extends ConfigCommand {

    @Argument(index = 0, name = "lun", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String lun;

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        Snapshot s = Snapshot.of(bundleContext);
        LunInfo info = s.requireLun(lun);
        LunDetails.Lun l = new LunDetails.Lun(info,
                ConfigStore.of(configRepository).find(Pids.LUN, lun).map(ConfigStore.Instance::properties).orElse(null),
                Views.first(bundleContext, (ManagementView v) -> v.reservations(lun)),
                Views.first(bundleContext, (ManagementView v) -> v.medium(lun)),
                Optional.ofNullable(s.lunStats().get(lun)).orElse(null));
        LunDetails.print(session.getConsole(), l, s.targets(), s.errors(), !noFormat);
        return null;
    }
}
