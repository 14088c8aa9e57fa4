package org.jstgt.scsi.spc;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;

/** Parses one command of an {@link OpcodeTable}: validates the CDB and returns what runs it. */
@FunctionalInterface
public interface CommandParser {

    /**
     * @param task the task (CDB and identities; no buffers yet)
     * @return the parsed command
     * @throws ScsiException for a bad field, an LBA out of range, a write to a protected unit, ...
     */
    CommandDescriptor parse(ScsiTask task) throws ScsiException;
}
