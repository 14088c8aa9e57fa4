package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/** {@code iscsi:show}. */
@Service
@Command(scope = "iscsi", name = "show", description = "Shows the whole target as a tree, like targetcli's ls: "
        + "portals, LUNs with their state, targets with their LUN map, initiators rule and sessions, and the "
        + "discovery sessions.", detailedDescription = "classpath:help/show.txt")
public final class ShowCommand implements Action {

    @Option(name = "--no-format", description = "Indentation only, no tree lines (for scripts)")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        Tree.print(session.getConsole(), Snapshot.of(bundleContext), !noFormat);
        return null;
    }
}
