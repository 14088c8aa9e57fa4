package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code iscsi:auth-delete}, the name targetcli and scstadmin users look for: the same command as
 * {@code iscsi:chap-remove} (credential sets are CHAP's).
 */
@Service
@Command(scope = "iscsi", name = "auth-delete",
        description = "Removes a CHAP credential set (etc/jstgt.auth-<name>.cfg)"
        + " (the same as iscsi:chap-remove).",
        detailedDescription = "classpath:help/chap-remove.txt")
public final class AuthDeleteCommand extends ChapRemoveCommand {
}
