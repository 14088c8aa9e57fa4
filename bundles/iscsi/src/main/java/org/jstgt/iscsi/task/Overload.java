package org.jstgt.iscsi.task;

import java.util.concurrent.CompletionException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.ScsiResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a command ends when the target lacks the memory or the patience for it: allocation failure
 * of a command's buffer (Netty's {@code OutOfDirectMemoryError}, the JDK's direct buffer
 * {@code OutOfMemoryError}) fails that command with BUSY instead of unwinding through the event
 * loop; a spent session write budget answers TASK SET FULL (SAM-5 §5.3); a data phase that stopped
 * ends with CHECK CONDITION, ABORTED COMMAND, DATA PHASE ERROR (4Bh/00h).
 */
final class Overload {
    private static final Logger LOG = LoggerFactory.getLogger(Overload.class);

    /** The session's write buffer budget is spent and the command cannot wait for it. */
    static final ScsiResult TASK_SET_FULL = ScsiResult.status(ScsiStatus.TASK_SET_FULL);
    /** A buffer larger than the session may ever hold (read.buffer.max, write.buffer.max). */
    static final ScsiResult TOO_LARGE = Sense.checkCondition(SenseReason.INVALID_FIELD_IN_CDB);
    /** The target is out of direct memory. */
    static final ScsiResult BUSY = ScsiResult.status(ScsiStatus.BUSY);
    /** The initiator stopped sending the command's Data-Out. */
    static final ScsiResult DATA_PHASE_ERROR = new ScsiResult(ScsiStatus.CHECK_CONDITION,
            SenseData.fixed(org.jstgt.api.scsi.Sense.of(SenseKey.ABORTED_COMMAND, 0x4B, 0x00)), 0);

    private static final long WARNING_INTERVAL_NANOS = 60_000_000_000L;
    /** When the last allocation failure was logged (racy on purpose: at worst one line more). */
    private static volatile long lastWarning;

    private Overload() {
    }

    /**
     * A Data-In buffer was refused (thrown to the device from {@code dataIn}). Its cause is a
     * {@link ScsiException}, which the SCSI core finds under completion exceptions and fails the
     * command with as with any SCSI error; any other exception it logs at ERROR as a device failure,
     * once per command, which a peer's READs beyond read.buffer.max would turn into a flood. The
     * fabric answers the overload status either way ({@link #answer}).
     */
    static final class NoBuffer extends CompletionException {
        private static final long serialVersionUID = 1L;

        NoBuffer(int length) {
            super("Data-In buffer of " + length + " bytes refused (read.buffer.max or direct memory)",
                    new ScsiException(SenseReason.INTERNAL_TARGET_FAILURE));
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * @param alloc the connection's allocator
     * @param length bytes wanted
     * @return a buffer as {@link LargeBuffers#directBuffer}, or null when direct memory is exhausted
     */
    static ByteBuf directBuffer(ByteBufAllocator alloc, int length) {
        try {
            return LargeBuffers.directBuffer(alloc, length);
        } catch (OutOfMemoryError e) {
            long now = System.nanoTime();
            if (now - lastWarning > WARNING_INTERVAL_NANOS || lastWarning == 0) {
                lastWarning = now;
                LOG.warn("no direct memory for a command buffer of {} bytes ({}); such commands are answered BUSY "
                        + "(raise -XX:MaxDirectMemorySize in bin/setenv, or lower write.buffer.max and "
                        + "read.buffer.max in etc/jstgt.target-*.cfg); said at most once a minute", length,
                        e.getMessage());
            }
            return null;
        }
    }

    /**
     * @param task a task the device completed
     * @param result the device's result, or null
     * @param error what the device threw or completed with, or null
     * @return what the task is answered: the overload status when its Data-In buffer was refused
     *     (whatever the SCSI core made of that), else the result, else CHECK CONDITION INTERNAL
     *     TARGET FAILURE
     */
    static ScsiResult answer(IscsiTask task, ScsiResult result, Throwable error) {
        ScsiResult refused = task.refused;
        if (refused != null) {
            return refused;
        }
        if (error != null || result == null) {
            LOG.warn("command {} failed unexpectedly", task.cdb(), error);
            return Sense.checkCondition(SenseReason.INTERNAL_TARGET_FAILURE);
        }
        return result;
    }
}
