package org.jstgt.benchmarks.mcs;

/**
 * One SCSI command a load sends: its LUN, CDB and data. A command with {@code dataOut} writes that
 * many bytes (immediate data, then as the target's R2Ts ask); one with {@code inLength} reads, into
 * {@code dataIn} when that is not null (else the bytes are only counted); one with neither moves no
 * data.
 *
 * @param lun the logical unit
 * @param cdb the CDB (up to 16 bytes)
 * @param what the command's name, for messages
 * @param dataOut the Data-Out buffer, or null
 * @param inLength the expected Data-In length (0 with a Data-Out buffer)
 * @param dataIn where the Data-In goes, or null
 */
record McsCommand(int lun, byte[] cdb, String what, byte[] dataOut, int inLength, byte[] dataIn) {

    /** @return a command that reads {@code length} bytes, kept when {@code keep} */
    static McsCommand read(int lun, byte[] cdb, String what, int length, boolean keep) {
        return new McsCommand(lun, cdb, what, null, length, keep ? new byte[length] : null);
    }

    /** @return a command that writes {@code data} */
    static McsCommand write(int lun, byte[] cdb, String what, byte[] data) {
        return new McsCommand(lun, cdb, what, data, 0, null);
    }

    boolean writes() {
        return dataOut != null;
    }

    /** @return the Expected Data Transfer Length of the SCSI Command PDU */
    int expectedLength() {
        return dataOut != null ? dataOut.length : inLength;
    }
}
