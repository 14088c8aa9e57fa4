package org.jstgt.shell;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code iscsi:chap-remove}. */
@Service
@Command(scope = "iscsi", name = "chap-remove", description = "Removes a CHAP credential set: deletes its "
        + "configuration through Config Admin and its etc/jstgt.auth-<name>.cfg; warns when a target still names it "
        + "in auth.groups.", detailedDescription = "classpath:help/chap-remove.txt")
public class ChapRemoveCommand extends ConfigCommand {

    @Argument(index = 0, name = "name", required = true, description = "Credential set name")
    @Completion(CredentialSetCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        credentialSets().remove(name);
        return null;
    }
}
