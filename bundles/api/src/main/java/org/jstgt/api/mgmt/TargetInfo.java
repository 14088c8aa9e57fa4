package org.jstgt.api.mgmt;

import java.util.List;

/**
 * A target as listed by {@code iscsi:target-list}.
 *
 * @param name configuration name
 * @param origin configuration file
 * @param iqn target node name
 * @param alias alias or empty
 * @param portals portal names
 * @param luns mappings as {@code <lun number>=<lun name>}
 * @param initiators the {@code initiators} rule's entries in order, denials with a leading {@code !}
 *     (the first matching entry decides; no match: refused); empty when the key is absent (everyone)
 * @param state ACTIVE or FAILED(...)
 */
public record TargetInfo(String name, String origin, String iqn, String alias, List<String> portals,
        List<String> luns, List<String> initiators, String state) {
    public TargetInfo {
        portals = List.copyOf(portals);
        luns = List.copyOf(luns);
        initiators = List.copyOf(initiators);
    }
}
