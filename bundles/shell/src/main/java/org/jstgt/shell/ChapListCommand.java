package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:chap-list}. */
@Service
@Command(scope = "iscsi", name = "chap-list", description = "Lists CHAP credential sets (etc/jstgt.auth-*.cfg): user, "
        + "mutual user, the targets whose auth.groups accept each set, its file and any problem. Secrets are never "
        + "printed.", detailedDescription = "classpath:help/chap-list.txt")
public class ChapListCommand extends ConfigCommand {

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        credentialSets().table().print(session.getConsole(), !noFormat);
        return null;
    }
}
