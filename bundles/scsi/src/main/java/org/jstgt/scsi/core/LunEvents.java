package org.jstgt.scsi.core;

import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitEvents;

/**
 * A unit's events, fanned out as unit attentions to every nexus that maps its LUN (SAM-5 §5.14).
 * Lock-free: reads the published target snapshot, so a unit may raise from any thread.
 */
final class LunEvents implements UnitEvents {
    private final TargetMaps maps;
    private final LunRuntime lun;

    LunEvents(TargetMaps maps, LunRuntime lun) {
        this.maps = maps;
        this.lun = lun;
    }

    @Override
    public void unitAttention(Sense sense) {
        if (sense.key() != SenseKey.UNIT_ATTENTION) {
            throw new IllegalArgumentException("not a UNIT ATTENTION sense: " + sense);
        }
        maps.raise(lun, sense);
    }

    @Override
    public void unitAttentionToOthers(Sense sense, String initiatorPortName, String targetPortName) {
        if (sense.key() != SenseKey.UNIT_ATTENTION) {
            throw new IllegalArgumentException("not a UNIT ATTENTION sense: " + sense);
        }
        maps.raiseToOthers(lun, sense, initiatorPortName, targetPortName);
    }

    @Override
    public void capacityChanged() {
        maps.raise(lun, SenseReason.CAPACITY_DATA_HAS_CHANGED.sense());
    }

    @Override
    public void mediumChanged() {
        maps.raise(lun, SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense());
    }
}
