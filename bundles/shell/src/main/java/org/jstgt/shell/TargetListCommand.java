package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** {@code iscsi:target-list}. */
@Service
@Command(scope = "iscsi", name = "target-list", description = "Lists targets (etc/jstgt.target-*.cfg): IQN, alias, portals, LUN mappings as number=lun name, initiator ACL in order (the first matching entry decides, ! denies; all when the key is absent) and state.")
public final class TargetListCommand implements Action {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        Views.Listing<TargetInfo> l = Views.fromServices(bundleContext, ManagementView::targets).sorted(Views.TARGET_ORDER);
        Tables.print(session.getConsole(), Tables.targets(l.items()), l.errors(), !noFormat);
        return null;
    }
}
