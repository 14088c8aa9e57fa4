package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code iscsi:alua-set}. */
@Service
@Command(scope = "iscsi", name = "alua-set", description = "Sets the ALUA access state of a portal's group: the "
        + "alua.state key of every etc/jstgt.portal-<name>.cfg with the portal's tag, written through Config Admin. "
        + "Applies in place; sessions stay.", detailedDescription = "classpath:help/alua-set.txt")
public final class AluaSetCommand extends ConfigCommand {

    @Argument(index = 0, name = "portal", required = true, description = "Portal name (etc/jstgt.portal-<name>.cfg); "
            + "every portal with its tag changes")
    @Completion(PortalCompleter.class)
    String portal;

    @Argument(index = 1, name = "state", required = true, description = "active/optimized, active/non-optimized, "
            + "standby, unavailable or transitioning")
    @Completion(value = StringsCompleter.class, values = {"active/optimized", "active/non-optimized", "standby",
        "unavailable", "transitioning"})
    String state;

    @Override
    public Object execute() throws Exception {
        aluaStates().set(portal, state);
        return null;
    }
}
