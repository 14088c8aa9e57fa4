package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code iscsi:target-auth}. */
@Service
@Command(scope = "iscsi", name = "target-auth", description = "Sets how logins to a target authenticate: its auth "
        + "key (none, chap, mutual) and optionally auth.groups (the credential sets it accepts) in "
        + "etc/jstgt.target-<name>.cfg, written through Config Admin.",
        detailedDescription = "classpath:help/target-auth.txt")
public final class TargetAuthCommand extends TargetCommand {

    @Argument(index = 1, name = "policy", required = true, description = "none (no authentication), chap (the "
            + "initiator proves itself) or mutual (the target proves itself too)")
    @Completion(value = StringsCompleter.class, values = {"none", "chap", "mutual"})
    String policy;

    @Option(name = "--groups", description = "Credential set names this target accepts, comma separated "
            + "(auth.groups); kept as they are when not given")
    @Completion(CredentialSetCompleter.class)
    String groups;

    @Override
    public Object execute() throws Exception {
        targetRules().auth(target, policy, groups == null ? null : List.of(groups));
        return null;
    }
}
