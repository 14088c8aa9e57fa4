package org.jstgt.shell;

import org.apache.karaf.config.core.ConfigRepository;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** A command on removable media or changers: the live units through the management views, the configuration through Config Admin. */
abstract class MediaCommand implements Action {

    @Reference
    ConfigRepository configRepository;

    @Reference
    Session session;

    @Reference
    BundleContext bundleContext;

    Media media() {
        return new Media(ConfigStore.of(configRepository), session.getConsole(),
                lun -> Views.first(bundleContext, (ManagementView v) -> v.medium(lun)));
    }

    Changers changers() {
        return new Changers(ConfigStore.of(configRepository), session.getConsole(),
                lun -> Views.first(bundleContext, (ManagementView v) -> v.changer(lun)));
    }
}
