package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:target-create}. */
@Service
@Command(scope = "iscsi", name = "target-create", description = "Defines a target: writes "
        + "etc/jstgt.target-<name>.cfg through Config Admin with its iqn, checked first (RFC 7143 §4.2.7, "
        + "unique).",
        detailedDescription = "classpath:help/target-create.txt")
public final class TargetCreateCommand extends ConfigCommand {

    @Option(name = "--portals", description = "Portals it is offered on, comma-separated (default: every portal)")
    @Completion(PortalCompleter.class)
    String portals;

    @Option(name = "--alias", description = "TargetAlias shown to initiators")
    String alias;

    @Argument(index = 0, name = "name", required = true, description = "Target name: the <name> of "
            + "etc/jstgt.target-<name>.cfg (letters, digits, '.', '_')")
    String name;

    @Argument(index = 1, name = "iqn", required = true, description = "iSCSI name, e.g. iqn.2026-01.com.example:disk")
    String iqn;

    @Override
    public Object execute() throws Exception {
        new TargetDefinitions(ConfigStore.of(configRepository), session.getConsole()).create(name, iqn,
                portals == null ? List.of() : List.of(portals), alias);
        return null;
    }
}
