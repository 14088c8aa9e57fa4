package org.jstgt.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.jstgt.api.Pids;
import org.jstgt.shell.importer.ImportPlan;
import org.jstgt.shell.importer.ImportPlan.Planned;
import org.jstgt.shell.importer.IstgtConf;
import org.jstgt.shell.importer.IstgtImport;

/** {@code iscsi:import-istgt}. */
@Service
@Command(scope = "iscsi", name = "import-istgt", description = "Converts an istgt configuration (istgt.conf and "
        + "optionally auth.conf) into etc/jstgt.portal-*, etc/jstgt.target-*, etc/jstgt.lun-*, etc/jstgt.auth-* and "
        + "etc/jstgt.discovery.cfg, written through Config Admin; lists what it could not map and why. Writes "
        + "nothing on any error or when a file exists.", detailedDescription = "classpath:help/import-istgt.txt")
public final class ImportIstgtCommand extends ConfigCommand {

    @Argument(index = 0, name = "istgt.conf", required = true, description = "istgt's configuration file "
            + "(Debian: /etc/istgt/istgt.conf)")
    @Completion(FileCompleter.class)
    String conf;

    @Argument(index = 1, name = "auth.conf", description = "istgt's CHAP file (its AuthFile, e.g. "
            + "/etc/istgt/auth.conf); without it the credential sets the targets name are not created")
    @Completion(FileCompleter.class)
    String auth;

    @Option(name = "--dry-run", description = "Print the files that would be written with their keys (secrets "
            + "masked) and what is not imported; write nothing")
    boolean dryRun;

    @Override
    public Object execute() throws Exception {
        new Writer(ConfigStore.of(configRepository), session.getConsole(),
                SecretFiles.of(bundleContext.getProperty(SecretFiles.SECRETS_DIR)))
                .run(Paths.get(conf), auth == null ? null : Paths.get(auth), dryRun);
        return null;
    }

    /**
     * Reads, converts, checks with the shell's rules (instance names, CHAP names and secrets,
     * initiators entries) and against what exists, then writes every configuration or none.
     */
    static final class Writer {
        private final ConfigStore store;
        private final PrintStream out;
        private final Optional<SecretFiles> secrets;

        /**
         * @param store the configurations
         * @param out where to report
         * @param secrets where secrets go ({@code $[secret:...]} in the cfg file), or empty to
         *     write them into the owner-only cfg file
         */
        Writer(ConfigStore store, PrintStream out, Optional<SecretFiles> secrets) {
            this.store = store;
            this.out = out;
            this.secrets = secrets;
        }

        /**
         * @param confFile istgt.conf
         * @param authFile auth.conf, or null
         * @param dryRun print only
         * @throws IllegalArgumentException when a file cannot be read or converted: nothing written
         */
        void run(Path confFile, Path authFile, boolean dryRun) throws IOException {
            IstgtConf conf;
            IstgtConf auth;
            try {
                conf = IstgtConf.read(confFile);
                auth = authFile == null ? null : IstgtConf.read(authFile);
            } catch (IstgtConf.ParseException e) {
                throw new IllegalArgumentException(e.getMessage() + "; nothing written");
            }
            ImportPlan converted = IstgtImport.convert(conf, auth);
            List<String> errors = new ArrayList<>(converted.errors());
            errors.addAll(check(converted));
            ImportPlan plan = new ImportPlan(converted.configs(), converted.notes(), errors);
            if (dryRun) {
                out.println("Dry run: " + plan.configs().size() + " configuration(s) would be written:");
                plan.printConfigs(out, this::file);
                plan.printNotes(out);
                return;
            }
            if (!errors.isEmpty()) {
                plan.printNotes(out);
                throw new IllegalArgumentException(errors.size() + " error(s) in " + confFile
                        + (authFile == null ? "" : " / " + authFile) + ": nothing written");
            }
            for (Planned p : plan.configs()) {
                write(p);
            }
            plan.printNotes(out);
            out.println("Imported " + plan.configs().size() + " configuration(s); the targets serve within seconds. "
                    + "Check them with iscsi:target-list and iscsi:lun-list.");
        }

        /** The target keys the core reads, as the shell's own commands check them. */
        private static void checkTarget(Map<String, String> t) {
            ConfigRules.iscsiName(ConfigRules.IQN, t.get(ConfigRules.IQN));
            if (t.get(ConfigRules.ALIAS) != null) {
                ConfigRules.alias(t.get(ConfigRules.ALIAS));
            }
            for (String key : t.keySet()) {
                if (key.startsWith(ConfigRules.LUN_PREFIX)) {
                    ConfigRules.lunNumber(key.substring(ConfigRules.LUN_PREFIX.length()));
                }
            }
            if (t.containsKey(TargetRules.INITIATORS)) {
                Checks.initiatorEntries(Checks.items(List.of(t.get(TargetRules.INITIATORS))));
            }
        }

        /** @return the problems the shell's rules and the existing configurations find */
        private List<String> check(ImportPlan plan) throws IOException {
            List<String> problems = new ArrayList<>();
            Map<String, String> iqns = new HashMap<>();
            for (ConfigStore.Instance t : store.list(Pids.TARGET)) {
                if (t.get("iqn") != null) {
                    iqns.put(t.get("iqn").trim().toLowerCase(java.util.Locale.ROOT), t.origin());
                }
            }
            for (Planned p : plan.configs()) {
                try {
                    if (!p.singleton()) {
                        Checks.instanceName(p.factoryPid(), p.name());
                    }
                    if (p.factoryPid().equals(Pids.AUTH)) {
                        checkSet(p);
                    } else if (p.factoryPid().equals(Pids.LUN)) {
                        // what the importer made passes the rules the shell's own commands write by
                        ConfigRules.lun(p.name(), p.properties());
                    } else if (p.factoryPid().equals(Pids.TARGET)) {
                        checkTarget(p.properties());
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(p.source() + ": " + file(p) + ": " + e.getMessage());
                }
                if (p.factoryPid().equals(Pids.TARGET)) {
                    String other = iqns.putIfAbsent(p.properties().get("iqn"), file(p));
                    if (other != null) {
                        problems.add(p.source() + ": iqn " + p.properties().get("iqn") + " is already the target of "
                                + other + " (an IQN names one target)");
                    }
                }
                boolean exists = p.singleton() ? store.singleton(p.factoryPid()).isPresent()
                        || Files.exists(store.singletonFile(p.factoryPid()))
                        : store.find(p.factoryPid(), p.name()).isPresent()
                        || Files.exists(store.file(p.factoryPid(), p.name()));
                if (exists) {
                    problems.add(p.source() + ": " + file(p) + " exists: not overwritten (rename or remove it, or "
                            + "rename the istgt section)");
                }
            }
            return problems;
        }

        private static void checkSet(Planned p) {
            Map<String, String> k = p.properties();
            CredentialSets.checkNames(p.name(), k.get(CredentialSets.USER), k.get(CredentialSets.MUTUAL_USER));
            Checks.secret(CredentialSets.SECRET, k.get(CredentialSets.SECRET));
            String mutual = k.get(CredentialSets.MUTUAL_SECRET);
            if (mutual != null) {
                Checks.secret(CredentialSets.MUTUAL_SECRET, mutual);
                if (mutual.equals(k.get(CredentialSets.SECRET))) {
                    throw new IllegalArgumentException(CredentialSets.MUTUAL_SECRET + ": must differ from "
                            + CredentialSets.SECRET);
                }
            }
        }

        private void write(Planned p) throws IOException {
            Map<String, Object> props = new LinkedHashMap<>(p.properties());
            if (p.singleton()) {
                store.updateSingleton(p.factoryPid(), props);
                out.println("Wrote " + file(p));
                return;
            }
            boolean secret = !p.secrets().isEmpty();
            if (secret && secrets.isPresent()) {
                for (String key : p.secrets()) {
                    props.put(key, secrets.get().store(CredentialSets.secretFileName(p.name(), key),
                            p.properties().get(key)));
                }
            }
            Path file = store.create(p.factoryPid(), p.name(), props, secret);
            out.println("Wrote " + file + (!secret ? "" : secrets.isPresent() ? " (secrets in " + secrets.get().dir()
                    + ")" : " (secrets in the file itself, readable by its owner only: no secrets directory)"));
        }

        private String file(Planned p) {
            return (p.singleton() ? store.singletonFile(p.factoryPid()) : store.file(p.factoryPid(), p.name()))
                    .toString();
        }
    }
}
