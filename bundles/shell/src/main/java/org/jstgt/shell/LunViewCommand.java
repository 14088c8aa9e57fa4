package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.osgi.framework.BundleContext;

/**
 * A command on one LUN's live state, named by its first argument and read through the
 * {@link org.jstgt.api.mgmt.ManagementView} services; Karaf reads arguments of superclasses too.
 */
abstract class LunViewCommand implements Action {

    @Argument(index = 0, name = "lun", required = true, description = "LUN name (etc/jstgt.lun-<name>.cfg)")
    @Completion(LunCompleter.class)
    String lun;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    /** @return what the console says for a LUN no view knows */
    static String unknown(String lun) {
        return "no LUN named '" + lun + "' (etc/jstgt.lun-<name>.cfg)";
    }
}
