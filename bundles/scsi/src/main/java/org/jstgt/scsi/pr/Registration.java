package org.jstgt.scsi.pr;

import java.util.Locale;

/**
 * One registration (SPC-4 §5.13.7): a reservation key for the I_T nexuses it covers. A registration
 * made through an I_T nexus covers that nexus, or with ALL_TG_PT its initiator port through every
 * target port; one made for a TransportID of format 00b (SPC-4 §7.6.4.6) covers every initiator
 * port of that initiator.
 *
 * @param key the reservation key, never 0
 * @param initiatorName the initiator's iSCSI name, lower case
 * @param isid the ISID (12 hex digits, lower case), or null for every port of the initiator
 * @param targetPort the target port name, lower case, or null for every target port (ALL_TG_PT)
 * @param relativeTargetPortId the relative target port identifier READ FULL STATUS reports (0 with
 *     ALL_TG_PT)
 */
public record Registration(long key, String initiatorName, String isid, String targetPort, int relativeTargetPortId) {

    public Registration {
        if (key == 0) {
            throw new IllegalArgumentException("a registration's key is never 0");
        }
        initiatorName = initiatorName.toLowerCase(Locale.ROOT);
        isid = isid == null ? null : isid.toLowerCase(Locale.ROOT);
        targetPort = targetPort == null ? null : targetPort.toLowerCase(Locale.ROOT);
    }

    /**
     * @param key the key
     * @param n the I_T nexus registering
     * @param allTargetPorts ALL_TG_PT
     * @return the registration of {@code n}
     */
    static Registration of(long key, ItNexus n, boolean allTargetPorts) {
        return new Registration(key, n.initiatorName(), n.isid(), allTargetPorts ? null : n.targetPort(),
                allTargetPorts ? 0 : n.relativeTargetPortId());
    }

    /** @return true when the registration applies through every target port (ALL_TG_PT) */
    public boolean allTargetPorts() {
        return targetPort == null;
    }

    /** @return the initiator port name, or the initiator name when it covers every port */
    public String initiatorPort() {
        return isid == null ? initiatorName : initiatorName + ItNexus.ISID_SEPARATOR + isid;
    }

    /** @return true when the I_T nexus is one this registration covers */
    public boolean covers(ItNexus n) {
        return initiatorName.equals(n.initiatorName()) && (isid == null || isid.equals(n.isid()))
                && (targetPort == null || targetPort.equals(n.targetPort()));
    }

    /** @return true when some I_T nexus would be covered by both registrations */
    boolean overlaps(Registration o) {
        return initiatorName.equals(o.initiatorName) && (isid == null || o.isid == null || isid.equals(o.isid))
                && (targetPort == null || o.targetPort == null || targetPort.equals(o.targetPort));
    }

    /** @return this registration with another key */
    Registration withKey(long newKey) {
        return new Registration(newKey, initiatorName, isid, targetPort, relativeTargetPortId);
    }
}
