package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:portal-delete}. */
@Service
@Command(scope = "iscsi", name = "portal-delete", description = "Removes a portal definition, "
        + "etc/jstgt.portal-<name>.cfg, through Config Admin; refused while a target names it unless --force.",
        detailedDescription = "classpath:help/portal-delete.txt")
public final class PortalDeleteCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "Portal name (etc/jstgt.portal-<name>.cfg)")
    @Completion(PortalCompleter.class)
    String name;

    @Option(name = "--force", description = "Also remove the name from the portals key of the targets that name it")
    boolean force;

    @Override
    public Object execute() throws Exception {
        new PortalDefinitions(ConfigStore.of(configRepository), session.getConsole()).delete(name, force);
        return null;
    }
}
