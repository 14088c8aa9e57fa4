package org.jstgt.api.mgmt;

import java.util.List;

/**
 * A LUN's reservations as listed by {@code iscsi:pr-list} (SPC-4 §5.13).
 *
 * @param lun the LUN's configuration name
 * @param generation PRgeneration (unsigned 32-bit)
 * @param aptpl whether the last registration asked for persistence through power loss (APTPL)
 * @param type the persistent reservation's type ({@code WE}, {@code EA}, {@code WE-RO},
 *     {@code EA-RO}, {@code WE-AR}, {@code EA-AR}), or empty when none is held
 * @param registrations the registrations, oldest first
 * @param spc2Holder the I_T nexus holding an SPC-2 reservation (RESERVE(6)/(10)) as
 *     {@code <initiator port> -> <target port>}, or empty
 */
public record ReservationInfo(String lun, long generation, boolean aptpl, String type,
        List<Registration> registrations, String spc2Holder) {
    public ReservationInfo {
        registrations = List.copyOf(registrations);
        type = type == null ? "" : type;
        spc2Holder = spc2Holder == null ? "" : spc2Holder;
    }

    /**
     * One registration.
     *
     * @param key the reservation key
     * @param initiatorPort {@code <iqn>,i,0x<isid>}, or the initiator name alone when it covers every
     *     port of the initiator
     * @param targetPort {@code <iqn>,t,0x<tpgt>}, or empty when it applies through every target port
     *     (ALL_TG_PT)
     * @param holder whether it holds the persistent reservation
     */
    public record Registration(long key, String initiatorPort, String targetPort, boolean holder) {
        public Registration {
            targetPort = targetPort == null ? "" : targetPort;
        }
    }
}
