package org.jstgt.shell;

import java.nio.file.Paths;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code iscsi:chap-add}. */
@Service
@Command(scope = "iscsi", name = "chap-add", description = "Creates or replaces a CHAP credential set: writes "
        + "etc/jstgt.auth-<name>.cfg through Config Admin. Secrets are asked twice with echo off, or read from "
        + "owner-only files; never taken from the command line, never printed.",
        detailedDescription = "classpath:help/chap-add.txt")
public class ChapAddCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "Credential set name: letters, digits, '.' "
            + "and '_'; targets name it in auth.groups")
    @Completion(CredentialSetCompleter.class)
    String name;

    @Argument(index = 1, name = "user", required = true, description = "CHAP name the initiator logs in with "
            + "(chap.user, CHAP_N), often its IQN")
    String user;

    @Option(name = "--mutual-user", description = "Name the target answers with in mutual CHAP (mutual.user); asks "
            + "for the mutual secret too. Without it the set is one-way only")
    String mutualUser;

    @Option(name = "--secret-file", description = "Read chap.secret from this file (readable by its owner only, "
            + "chmod 600; one trailing newline ignored) instead of asking")
    @Completion(FileCompleter.class)
    String secretFile;

    @Option(name = "--mutual-secret-file", description = "Read mutual.secret from this file, as --secret-file")
    @Completion(FileCompleter.class)
    String mutualSecretFile;

    @Override
    public Object execute() throws Exception {
        credentialSets().add(name, user, mutualUser, secretFile == null ? null : Paths.get(secretFile),
                mutualSecretFile == null ? null : Paths.get(mutualSecretFile), p -> session.readLine(p, '*'));
        return null;
    }
}
