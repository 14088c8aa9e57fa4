package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code iscsi:auth-list}, the name targetcli and scstadmin users look for: the same command as
 * {@code iscsi:chap-list} (credential sets are CHAP's).
 */
@Service
@Command(scope = "iscsi", name = "auth-list",
        description = "Lists CHAP credential sets (etc/jstgt.auth-*.cfg), secrets masked"
        + " (the same as iscsi:chap-list).",
        detailedDescription = "classpath:help/chap-list.txt")
public final class AuthListCommand extends ChapListCommand {
}
