package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code iscsi:auth-create}, the name targetcli and scstadmin users look for: the same command as
 * {@code iscsi:chap-add} (credential sets are CHAP's).
 */
@Service
@Command(scope = "iscsi", name = "auth-create",
        description = "Creates or replaces a CHAP credential set in etc/jstgt.auth-<name>.cfg"
        + " (the same as iscsi:chap-add).",
        detailedDescription = "classpath:help/chap-add.txt")
public final class AuthCreateCommand extends ChapAddCommand {
}
