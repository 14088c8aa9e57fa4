package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code iscsi:discovery-auth}. */
@Service
@Command(scope = "iscsi", name = "discovery-auth", description = "Shows or sets how discovery (SendTargets) logins "
        + "authenticate: the auth key (none, chap, mutual) and optionally auth.groups (the credential sets accepted) "
        + "in etc/jstgt.discovery.cfg, written through Config Admin.",
        detailedDescription = "classpath:help/discovery-auth.txt")
public final class DiscoveryAuthCommand extends ConfigCommand {

    @Argument(index = 0, name = "policy", description = "none (no authentication), chap (the initiator proves "
            + "itself) or mutual (the target proves itself too). None: print the current policy")
    @Completion(value = StringsCompleter.class, values = {"none", "chap", "mutual"})
    String policy;

    @Option(name = "--groups", description = "Credential set names discovery accepts, comma separated "
            + "(auth.groups); kept as they are when not given")
    @Completion(CredentialSetCompleter.class)
    String groups;

    @Override
    public Object execute() throws Exception {
        if (policy == null) {
            if (groups != null) {
                throw new IllegalArgumentException("--groups goes with a policy: iscsi:discovery-auth --groups "
                        + groups + " chap");
            }
            discoveryAuth().show();
        } else {
            discoveryAuth().set(policy, groups == null ? null : List.of(groups));
        }
        return null;
    }
}
