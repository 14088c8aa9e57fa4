package org.jstgt.scsi.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jstgt.api.ConfigException;
import org.jstgt.api.Pids;
import org.jstgt.scsi.alua.AluaMode;

/**
 * A validated {@code jstgt.target} configuration ({@code etc/jstgt.target-<name>.cfg}).
 * Negotiation keys are left in {@link #properties()} for the fabric to validate.
 *
 * @param name the target name
 * @param origin the file or PID
 * @param iqn {@code iqn}, lower-cased
 * @param alias {@code alias} or empty
 * @param portals {@code portals}, empty for all
 * @param luns {@code lun.N} mappings by LUN number
 * @param initiators {@code initiators}: who may log in, first matching entry decides
 *     ({@link InitiatorAcl#all()} when the key is absent; an empty value is an error)
 * @param alua {@code alua}: the asymmetric logical unit access its LUs report (TPGS) and take
 *     ({@link AluaMode#DEFAULT} when absent)
 * @param properties every key as a string
 */
public record TargetConfig(String name, String origin, String iqn, String alias, List<String> portals,
        SortedMap<Integer, String> luns, InitiatorAcl initiators, AluaMode alua, Map<String, String> properties) {

    public static final String IQN = "iqn";
    public static final String ALIAS = "alias";
    public static final String PORTALS = "portals";
    public static final String INITIATORS = "initiators";
    public static final String LUN_PREFIX = "lun.";
    /** Single level LUN structure with flat space addressing reaches 16383 (SAM-5 §4.7.3). */
    public static final int MAX_LUN = 16383;

    public TargetConfig {
        portals = List.copyOf(portals);
        luns = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(luns));
        properties = Map.copyOf(properties);
    }

    /**
     * Reads the {@code initiators} key alone (also of a file that fails elsewhere): a comma list of
     * rules, see {@link InitiatorAcl}. Absent means every initiator, as documented; present it must
     * name at least one valid entry: an empty value or a bad entry is an error (even beside
     * {@code ALL}), so that a slip never opens the target to everyone.
     *
     * @param props the configuration as strings
     * @return the rule; {@link InitiatorAcl#all()} when the key is absent
     * @throws ConfigException naming the {@code initiators} key
     */
    public static InitiatorAcl parseInitiators(Map<String, String> props) throws ConfigException {
        if (!props.containsKey(INITIATORS)) {
            return InitiatorAcl.all();
        }
        List<String> entries = Props.list(props.get(INITIATORS));
        if (entries.isEmpty()) {
            throw new ConfigException(INITIATORS, "empty, which admits no initiator; list initiator names or "
                    + "networks, write ALL, or remove the key to admit every initiator");
        }
        return InitiatorAcl.parse(INITIATORS, entries);
    }

    /**
     * @param props the configuration as Config Admin delivers it
     * @return the target
     * @throws ConfigException naming the first bad key
     */
    public static TargetConfig parse(Map<String, ?> props) throws ConfigException {
        Map<String, String> p = Props.strings(props);
        String name = Pids.instanceName(Pids.TARGET, props);
        String iqn = ScsiNames.validate(IQN, Props.required(p, IQN));
        String alias = Props.get(p, ALIAS);
        if (alias == null) {
            alias = "";
        } else if (alias.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new ConfigException(ALIAS, "longer than 255 bytes (RFC 7143 §13.6)");
        }
        List<String> portals = Props.list(p.get(PORTALS));
        SortedMap<Integer, String> luns = new TreeMap<>();
        for (Map.Entry<String, String> e : p.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(LUN_PREFIX)) {
                continue;
            }
            String number = key.substring(LUN_PREFIX.length());
            int n;
            try {
                n = number.matches("\\d{1,5}") ? Integer.parseInt(number) : -1;
            } catch (NumberFormatException ex) {
                n = -1;
            }
            if (n < 0 || n > MAX_LUN) {
                throw new ConfigException(key, "LUN number must be 0.." + MAX_LUN);
            }
            String lun = e.getValue().trim();
            if (lun.isEmpty()) {
                throw new ConfigException(key, "missing LUN name (the <name> of etc/jstgt.lun-<name>.cfg)");
            }
            luns.put(n, lun);
        }
        InitiatorAcl initiators = parseInitiators(p);
        return new TargetConfig(name, Pids.origin(props), iqn, alias, portals, luns, initiators, AluaMode.parse(p), p);
    }
}
