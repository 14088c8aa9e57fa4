package org.jstgt.device.disk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.StoreCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the disk owes its initiators once a flush of its volatile cache failed (SBC-4 §4.15):
 * writes acknowledged before it may never reach the medium, and a later flush that succeeds does
 * not bring them back. So from then on every flush the unit asks for (SYNCHRONIZE CACHE, START
 * STOP UNIT's stop, a FUA read's flush, the flush after a write the store cannot force) and every
 * FUA write and WRITE AND VERIFY ends with MEDIUM ERROR, WRITE ERROR (0Ch/00h) until the LUN is
 * reopened, whatever the store remembers itself.
 *
 * <p>A SYNCHRONIZE CACHE with IMMED has returned GOOD before its flush ends: when that flush
 * fails, the failure is a deferred error (SPC-4 §4.5.5, response code 71h/73h) for the I_T nexus
 * that sent it, reported (once) on that nexus's next command to this unit other than INQUIRY, and
 * that command is not processed. Thread-safe.
 */
final class LostWrites {
    private static final Logger LOG = LoggerFactory.getLogger(LostWrites.class);
    private static final int INQUIRY = 0x12;

    private final String lun;
    private volatile boolean lost;
    /**
     * Deferred errors by I_T nexus. Bounded: only a flush that was already running when the first
     * one failed can add an entry (later ones are refused at once), one per nexus at most.
     */
    private final ConcurrentMap<String, Sense> deferred = new ConcurrentHashMap<>();

    LostWrites(String lun) {
        this.lun = lun;
    }

    /** @return true once a flush failed */
    boolean lost() {
        return lost;
    }

    /**
     * A flush of the store, refused at once when an earlier one failed; a failure here makes every
     * later one fail too.
     */
    CompletionStage<Void> flush(StoreCalls io, Executor completion) {
        CompletionStage<Void> refused = refusal();
        if (refused != null) {
            return refused;
        }
        return io.flush(completion).whenComplete((v, err) -> {
            if (err != null) {
                failed(err);
            }
        });
    }

    /** @return a stage failed with WRITE ERROR once a flush failed, else null (the durable write may go on) */
    CompletionStage<Void> refusal() {
        return lost ? CompletableFuture.failedFuture(new ScsiException(SenseReason.WRITE_ERROR,
                "LUN " + lun + ": an earlier flush failed; nothing is made durable until the LUN is reopened")) : null;
    }

    /**
     * The IMMED flush for {@code nexus} failed after GOOD was returned: its failure waits for the
     * nexus's next command.
     *
     * @param nexus from {@link #nexus(ScsiTask)} of the SYNCHRONIZE CACHE
     * @param err how the flush failed
     */
    void defer(String nexus, Throwable err) {
        Throwable c = StoreCalls.unwrap(err);
        Sense sense = c instanceof ScsiException s && s.sense().key() == SenseKey.MEDIUM_ERROR ? s.sense()
                : SenseReason.WRITE_ERROR.sense();
        deferred.put(nexus, sense.asDeferred());
        LOG.warn("LUN {}: the flush of a SYNCHRONIZE CACHE with IMMED failed after GOOD was returned ({}); "
                + "reported as a deferred error on the next command from {}", lun, c.toString(), nexus);
    }

    /**
     * Ends a command that arrives while its nexus has a deferred error pending: the error is
     * reported (and cleared) instead, and the command is not processed. INQUIRY is answered as
     * usual (SPC-4 §6.6.1: it fails only when it cannot return its data).
     *
     * @param task the command
     * @throws ScsiException the deferred error
     */
    void reportDeferred(ScsiTask task) throws ScsiException {
        if (deferred.isEmpty() || task.cdb().opcode() == INQUIRY) {
            return;
        }
        Sense pending = deferred.remove(nexus(task));
        if (pending != null) {
            throw new ScsiException(pending, "LUN " + lun + ": deferred error of an earlier SYNCHRONIZE CACHE");
        }
    }

    /** @return the task's I_T nexus (initiator port and target port names) */
    static String nexus(ScsiTask task) {
        return task.initiatorPortName() + " -> " + task.targetPortName();
    }

    private void failed(Throwable err) {
        Throwable c = StoreCalls.unwrap(err);
        if (c instanceof ScsiException s && s.sense().key() == SenseKey.NOT_READY) {
            // the device is stopping and never asked the store: nothing was lost
            return;
        }
        if (!lost) {
            lost = true;
            LOG.warn("LUN {}: a flush failed ({}); every later SYNCHRONIZE CACHE, FUA write and WRITE AND VERIFY "
                    + "of this LUN ends with MEDIUM ERROR until the LUN is reopened", lun, c.toString());
        }
    }
}
