package org.jstgt.api.scsi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Events a logical unit raises about itself; the core turns them into unit attentions for every
 * I_T nexus that sees the unit (SAM-5 §5.14) and into fresh listings. Callable from any thread.
 */
@ProviderType
public interface UnitEvents {

    /**
     * Establishes a unit attention condition for every I_T nexus that has the unit mapped.
     *
     * @param sense the sense to report, sense key UNIT ATTENTION
     * @throws IllegalArgumentException when the sense key is not UNIT ATTENTION
     */
    void unitAttention(Sense sense);

    /**
     * Establishes a unit attention condition for every I_T nexus that has the unit mapped except
     * the one a command came through (as MODE SELECT does for MODE PARAMETERS CHANGED, SPC-4
     * §6.9). The default falls back to {@link #unitAttention(Sense)}, which includes that nexus.
     *
     * @param sense the sense to report, sense key UNIT ATTENTION
     * @param initiatorPortName the initiator port of the nexus left out ({@link ScsiTask#initiatorPortName()})
     * @param targetPortName the target port of the nexus left out ({@link ScsiTask#targetPortName()})
     * @throws IllegalArgumentException when the sense key is not UNIT ATTENTION
     */
    default void unitAttentionToOthers(Sense sense, String initiatorPortName, String targetPortName) {
        unitAttention(sense);
    }

    /** The capacity changed: CAPACITY DATA HAS CHANGED (2Ah/09h) to every nexus, listings refreshed. */
    void capacityChanged();

    /**
     * A medium was loaded or changed: NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED (28h/00h)
     * to every nexus.
     */
    void mediumChanged();
}
