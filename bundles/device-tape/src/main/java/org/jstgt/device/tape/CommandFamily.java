package org.jstgt.device.tape;

import org.jstgt.scsi.spc.OpcodeTable;

/** A group of the drive's commands that registers its opcodes (with their CDB usage) in the unit's table. */
interface CommandFamily {

    /** @param table the unit's table being built */
    void register(OpcodeTable.Builder table);
}
