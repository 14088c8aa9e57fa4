package org.jstgt.api.scsi;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One SCSI command as the fabric (iSCSI) hands it to the SCSI core and devices.
 *
 * <p>Buffers belong to the transport: devices fill {@link #dataIn(int)} and read
 * {@link #dataOut()} only until the command's completion stage completes.
 */
@ProviderType
public interface ScsiTask {

    /** @return the LUN number addressed (SAM-5 single level, 0..16383) */
    int lun();

    /** @return the CDB */
    Cdb cdb();

    /** @return the task attribute */
    TaskAttribute attribute();

    /**
     * @return the direction the initiator declared (iSCSI: the R and W bits of the SCSI Command
     *     PDU, RFC 7143 §11.3.1); the device's parse decides the real one
     */
    DataDirection declaredDirection();

    /**
     * @return the executor the command's completion belongs on (iSCSI: its connection's event
     *     loop); devices pass it to their stores, which complete there
     */
    Executor executor();

    /** @return the initiator's expected data transfer length in bytes (iSCSI EDTL) */
    int expectedTransferLength();

    /**
     * The data the initiator sent. Only valid for commands parsed as {@link DataDirection#OUT}.
     * Normally {@code remaining() == CommandDescriptor.transferLength()}; when the initiator's
     * expected data transfer length is shorter (an overflow, SAM-5 §5.4.2) it holds only those
     * bytes, and the device either processes what is there (a disk writes the whole blocks present)
     * or fails the command. The fabric reports the residual.
     *
     * @return the data, position 0
     */
    ByteBuffer dataOut();

    /**
     * Allocates the Data-In buffer, at most once per task. The device writes from position 0 and
     * reports the number of valid bytes in its completion. The transport sends
     * {@code min(valid bytes, expectedTransferLength())} bytes and reports residuals.
     *
     * @param length capacity in bytes
     * @return a buffer of exactly {@code length} bytes remaining, position 0
     */
    ByteBuffer dataIn(int length);

    /**
     * Sends read data now, straight from {@code data}, instead of through {@link #dataIn(int)}: for
     * a buffer the device does not fill itself, such as a store's {@linkplain
     * org.jstgt.api.store.BackingStore#view view} of its medium, which the fabric sends from
     * without a copy of its own. The fabric sends {@code min(data.remaining(),
     * expectedTransferLength())} bytes at once, and the command's status separately once the
     * device completes; the device reports {@code data.remaining()} valid Data-In bytes. Use it at
     * most once per task, and not together with {@link #dataIn(int)}.
     *
     * <p>The stage completes (on {@link #executor()}) once the bytes have left {@code data}: they
     * are in the network stack, or the connection is gone and they never will be. Only then may the
     * device complete the command, so that no write the completion lets start (an ORDERED command,
     * SAM-5 §8.6) changes what the initiator receives.
     *
     * @param data the bytes, from position to limit; read, never written, until the stage completes
     * @return the stage, or null when the fabric cannot send this way for this task (the device
     *     then uses {@link #dataIn(int)}): the default
     */
    default CompletionStage<Void> sendDataIn(ByteBuffer data) {
        return null;
    }

    /** @return the initiator port name (iSCSI: {@code <iqn>,i,0x<isid>}) */
    String initiatorPortName();

    /** @return the initiator node name (iSCSI: the IQN) */
    String initiatorName();

    /** @return the target node name (iSCSI: the target IQN) */
    String targetName();

    /** @return the target port name (iSCSI: {@code <iqn>,t,0x<tpgt>}) */
    String targetPortName();

    /** @return the relative target port identifier (1-based; iSCSI uses the portal group tag) */
    int relativeTargetPortId();

    /** @return the target port group (ALUA) */
    int targetPortGroup();

    /**
     * The TPGS field of standard INQUIRY data (SPC-4 §6.6.2, byte 5 bits 5-4) for the logical unit
     * as reached through this task's target: 00b no asymmetric logical unit access, 01b implicit
     * only, 10b explicit only (SET TARGET PORT GROUPS), 11b both. The SCSI core runs REPORT and SET
     * TARGET PORT GROUPS itself; devices put this value in their INQUIRY data and offer those
     * commands in REPORT SUPPORTED OPERATION CODES by it (the SPC helpers do both).
     *
     * @return 0..3; the default, 0, reports no asymmetric logical unit access
     */
    default int targetPortGroupSupport() {
        return 0;
    }
}
