package org.jstgt.api.target;

import org.jstgt.api.scsi.Sense;

/** Told of each unit attention condition established on a nexus ({@link Nexus#onUnitAttention}). */
@FunctionalInterface
public interface UnitAttentionListener {

    /**
     * @param lun the LUN the condition is for
     * @param reason the condition (sense key UNIT ATTENTION, its ASC and ASCQ)
     */
    void raised(int lun, Sense reason);
}
