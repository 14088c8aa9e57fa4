package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:portal-create}. */
@Service
@Command(scope = "iscsi", name = "portal-create", description = "Defines a portal: writes "
        + "etc/jstgt.portal-<name>.cfg through Config Admin with its listen addresses, checked first. Warns when "
        + "not loopback.",
        detailedDescription = "classpath:help/portal-create.txt")
public final class PortalCreateCommand extends ConfigCommand {

    @Option(name = "--tag", description = "Target portal group tag, 1..65535 (default 1)")
    String tag;

    @Argument(index = 0, name = "name", required = true, description = "Portal name: the <name> of "
            + "etc/jstgt.portal-<name>.cfg (letters, digits, '.', '_')")
    String name;

    @Argument(index = 1, name = "listen", required = true, description = "Addresses, comma-separated: host:port, "
            + "[v6]:port; e.g. 127.0.0.1:3260,[::1]:3260")
    String listen;

    @Override
    public Object execute() throws Exception {
        new PortalDefinitions(ConfigStore.of(configRepository), session.getConsole()).create(name, listen, tag);
        return null;
    }
}
