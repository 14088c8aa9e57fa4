package org.jstgt.scsi.pr;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An I_T nexus as reservations see it (SPC-4 §5.13, iSCSI names RFC 7143 §4.2.7): the initiator
 * name, the ISID of the initiator port and the target port. Names are kept in lower case, as iSCSI
 * names compare after stringprep (RFC 3722), with the ISID in 12 hex digits and the portal group tag in 4
 * as the fabric writes them.
 *
 * @param initiatorName the initiator's iSCSI name
 * @param isid the ISID as 12 hex digits, or null when the initiator port name carries none
 * @param targetPort the target port name {@code <iqn>,t,0x<tpgt>}
 * @param relativeTargetPortId the RELATIVE TARGET PORT IDENTIFIER of the target port
 */
public record ItNexus(String initiatorName, String isid, String targetPort, int relativeTargetPortId) {
    /** Separates the initiator name and the ISID in an initiator port name (RFC 7143 §4.2.7.4). */
    static final String ISID_SEPARATOR = ",i,0x";

    /** The portal group tag's separator in a target port name. */
    private static final String TPGT_SEPARATOR = ",t,0x";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,12}");

    public ItNexus {
        initiatorName = initiatorName.toLowerCase(Locale.ROOT);
        isid = isid == null ? null : padded(isid.toLowerCase(Locale.ROOT), 12);
        targetPort = targetPort.toLowerCase(Locale.ROOT);
        int at = targetPort.lastIndexOf(TPGT_SEPARATOR);
        if (at >= 0) {
            targetPort = targetPort.substring(0, at + TPGT_SEPARATOR.length())
                    + padded(targetPort.substring(at + TPGT_SEPARATOR.length()), 4);
        }
    }

    /** @return hex digits zero-padded to {@code width}, as the fabric writes ISIDs and tags; other text as it is */
    private static String padded(String hex, int width) {
        return hex.length() < width && HEX.matcher(hex).matches() ? "0".repeat(width - hex.length()) + hex : hex;
    }

    /**
     * @param initiatorName the initiator's iSCSI name
     * @param initiatorPortName {@code <iqn>,i,0x<isid>}
     * @param targetPortName {@code <iqn>,t,0x<tpgt>}
     * @param relativeTargetPortId the relative target port identifier
     * @return the nexus
     */
    public static ItNexus of(String initiatorName, String initiatorPortName, String targetPortName,
            int relativeTargetPortId) {
        int at = initiatorPortName.toLowerCase(Locale.ROOT).lastIndexOf(ISID_SEPARATOR);
        String isid = at < 0 ? null : initiatorPortName.substring(at + ISID_SEPARATOR.length());
        return new ItNexus(initiatorName, isid, targetPortName, relativeTargetPortId);
    }

    /** @return the initiator port name, {@code <iqn>,i,0x<isid>} (the name alone without an ISID) */
    public String initiatorPort() {
        return isid == null ? initiatorName : initiatorName + ISID_SEPARATOR + isid;
    }

    /** @return true when {@code other} is the same I_T nexus (initiator port and target port) */
    public boolean same(ItNexus other) {
        return initiatorName.equals(other.initiatorName) && Objects.equals(isid, other.isid)
                && targetPort.equals(other.targetPort);
    }

    /**
     * @param relativeTargetPortId another port's identifier
     * @return the name of the port with that identifier in this nexus's target: the target port
     *     names of an iSCSI target differ only in the portal group tag (RFC 7143 §4.2.7.4)
     */
    public String targetPortWithId(int relativeTargetPortId) {
        int at = targetPort.lastIndexOf(TPGT_SEPARATOR);
        String target = at < 0 ? targetPort : targetPort.substring(0, at);
        return target + TPGT_SEPARATOR + String.format("%04x", relativeTargetPortId);
    }
}
