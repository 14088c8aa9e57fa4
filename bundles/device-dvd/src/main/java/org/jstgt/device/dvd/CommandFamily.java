package org.jstgt.device.dvd;

import org.jstgt.scsi.spc.OpcodeTable;

/** A group of the drive's commands that registers its own opcodes (with their CDB usage) in the unit's table. */
interface CommandFamily {

    /** @param table the unit's table being built */
    void register(OpcodeTable.Builder table);
}
