package org.jstgt.api.target;

import java.util.Objects;

/**
 * One portal a fabric serves, as asymmetric logical unit access sees it (SPC-4 §5.16): the target
 * port group it belongs to and that group's state. In iSCSI the group is the portal group tag
 * (RFC 7143 §4.4.1): a target offered on the portal has one target port in the group, whose
 * relative target port identifier is the tag too.
 *
 * @param portal the portal's name ({@code etc/jstgt.portal-<name>.cfg})
 * @param tag the target port group identifier, 1..65535
 * @param state the group's asymmetric access state
 * @param preferred the group is a preferred path (PREF of REPORT TARGET PORT GROUPS)
 */
public record PortalGroup(String portal, int tag, AccessState state, boolean preferred) {
    public PortalGroup {
        Objects.requireNonNull(portal, "portal");
        Objects.requireNonNull(state, "state");
        if (tag < 1 || tag > 0xFFFF) {
            throw new IllegalArgumentException("tag " + tag + " is not 1..65535");
        }
    }
}
