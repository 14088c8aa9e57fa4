package org.jstgt.api.mgmt;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.media.RemovableMedium;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by bundles that have something to list. The SCSI core provides LUNs, targets and
 * reservations, the iSCSI fabric portals and sessions; a provider returns empty lists for what it
 * does not own. Besides the listings and counters there are two actions on live state: an
 * administrator's recovery of reservations ({@link #clearReservations}) and the logout of a
 * session ({@link #logout}). Everything else an administrator changes goes through Config Admin.
 */
@ConsumerType
public interface ManagementView {

    /** @return LUNs */
    default List<LunInfo> luns() {
        return List.of();
    }

    /** @return targets */
    default List<TargetInfo> targets() {
        return List.of();
    }

    /** @return portals */
    default List<PortalInfo> portals() {
        return List.of();
    }

    /** @return sessions */
    default List<SessionInfo> sessions() {
        return List.of();
    }

    /**
     * @param lun a LUN's configuration name
     * @return its reservations; empty when this view does not know the LUN
     */
    default Optional<ReservationInfo> reservations(String lun) {
        return Optional.empty();
    }

    /**
     * @param lun a LUN's configuration name
     * @return the medium slot of the LUN's active unit (DVD or tape drive); empty when this view
     *     does not know the LUN, it is not active, or its medium is not removable
     */
    default Optional<RemovableMedium> medium(String lun) {
        return Optional.empty();
    }

    /**
     * @param lun a LUN's configuration name
     * @return the LUN's active unit as a media changer; empty when this view does not know the
     *     LUN, it is not active, or it is not a changer
     */
    default Optional<MediaChanger> changer(String lun) {
        return Optional.empty();
    }

    /**
     * Clears a LUN's registrations and reservations as a PERSISTENT RESERVE OUT CLEAR would (the
     * registered I_T nexuses get RESERVATIONS PREEMPTED), and an SPC-2 reservation too.
     *
     * @param lun a LUN's configuration name
     * @return true when this view knows the LUN and cleared it
     */
    default boolean clearReservations(String lun) {
        return false;
    }

    /**
     * @return I/O counters of every LUN this view knows, by configuration name (the SCSI core)
     */
    default Map<String, IoStats> lunStats() {
        return Map.of();
    }

    /**
     * @return I/O counters of every target this view knows, by configuration name: the commands
     *     that came through the target, to any of its LUNs (the SCSI core)
     */
    default Map<String, IoStats> targetStats() {
        return Map.of();
    }

    /**
     * @return I/O counters of every session this view knows, by TSIH (the iSCSI fabric)
     */
    default Map<Integer, IoStats> sessionStats() {
        return Map.of();
    }

    /**
     * @param tsih a session's TSIH
     * @return the session in detail; empty when this view does not know it
     */
    default Optional<SessionDetail> session(int tsih) {
        return Optional.empty();
    }

    /**
     * Ends a session as an administrator would: the target asks the initiator to log out (an
     * Asynchronous Message, event 1) on every connection, and drops the connections that are still
     * there after a grace period. Returns at once.
     *
     * @param tsih a session's TSIH
     * @return true when this view knows the session and asked it to log out
     */
    default boolean logout(int tsih) {
        return false;
    }
}
