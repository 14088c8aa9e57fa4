package org.jstgt.scsi.core;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.target.ScsiResult;

/**
 * How the core counts a command in the {@link IoMeter}s of its LUN and target.
 *
 * <p>Classification is {@link IoMeter.Kind#of}, which the fabric's sessions use too: VERIFY, UNMAP,
 * a READ of zero blocks and every command that ended at admission (bad CDB, unit attention,
 * reservation conflict, task set full) are OTHER. Bytes are the data moved: Data-In sent (at most
 * the initiator's expected length) and Data-Out received.
 */
final class Metering {
    private Metering() {
    }

    /**
     * Counts a command that ended at admission or that the core answered itself: OTHER, no
     * latency.
     *
     * @param lun the LUN's meter, or null when the LUN number has no LUN
     * @param target the target's meter
     * @param r its result
     */
    static void other(IoMeter lun, IoMeter target, ScsiResult r) {
        int key = SenseData.senseKey(r.sense());
        if (lun != null) {
            lun.record(IoMeter.Kind.OTHER, 0, 0, r.status(), key);
        }
        target.record(IoMeter.Kind.OTHER, 0, 0, r.status(), key);
    }
}
