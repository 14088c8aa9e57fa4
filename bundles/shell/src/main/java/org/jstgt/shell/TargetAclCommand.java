package org.jstgt.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code iscsi:target-acl}. */
@Service
@Command(scope = "iscsi", name = "target-acl", description = "Shows or sets which initiators may log in to a target: "
        + "its initiators key in etc/jstgt.target-<name>.cfg, written through Config Admin. Entries in order, first "
        + "match wins, '!' denies.", detailedDescription = "classpath:help/target-acl.txt")
public final class TargetAclCommand extends TargetCommand {

    @Argument(index = 1, name = "entries", multiValued = true, description = "The new rule, in order: initiator "
            + "names or patterns (iqn.2026-01.com.example:*), IP addresses or networks (10.0.0.0/8, ::1/128), ALL; "
            + "a leading '!' denies (quote it: '!10.0.0.5'). None: print the current rule")
    @Completion(value = StringsCompleter.class, values = {"ALL"})
    List<String> entries;

    @Option(name = "--clear", description = "Remove the initiators key: every initiator is admitted (auth still "
            + "applies)")
    boolean clear;

    @Override
    public Object execute() throws Exception {
        targetRules().acl(target, entries == null ? List.of() : entries, clear);
        return null;
    }
}
