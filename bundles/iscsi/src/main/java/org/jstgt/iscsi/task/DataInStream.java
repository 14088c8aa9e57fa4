package org.jstgt.iscsi.task;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;

import org.jstgt.iscsi.pdu.DataIn;
import org.jstgt.iscsi.recovery.DataInPlan;
import org.jstgt.iscsi.session.ConnectionPort;
import org.jstgt.iscsi.session.Session;

/**
 * Read data sent before the status, straight from a buffer the device lends ({@link
 * org.jstgt.api.scsi.ScsiTask#sendDataIn}, a store's view of its medium): the Data-In PDUs carry
 * slices of it, so the bytes are copied once, into the socket. The status follows in a SCSI
 * Response when the device completes ({@link Responses}), which it does only once the last PDU has
 * left, written or dropped with the connection: until then the bytes may still be read from the
 * buffer, and no write the completion lets start may change them.
 *
 * <p>Declined (null, the device copies into a Data-In buffer instead) where the data must stay in
 * the target after it was sent, or be read by the target itself:
 * <ul>
 * <li>ErrorRecoveryLevel 1 and 2, which keep it for a Data SNACK or a TASK REASSIGN;</li>
 * <li>a data digest, whose CRC would be computed apart from the copy that is sent;</li>
 * <li>a call off the connection's event loop, a task already given data, aborted or orphaned, a
 * connection no longer in the Full Feature Phase, or one whose unsent data is already over its high
 * water mark (a peer that reads slowly, or not at all, would hold the command, and with it the
 * logical unit's ORDERED commands and resets, until its connection is given up).</li>
 * </ul>
 */
final class DataInStream {
    private DataInStream() {
    }

    /**
     * @param task the task
     * @param session its session
     * @param data the bytes (the caller keeps them unchanged until the stage completes)
     * @return completes on the connection's event loop when the data has left, or null when declined
     */
    static CompletionStage<Void> send(IscsiTask task, Session session, ByteBuffer data) {
        ConnectionPort port = task.connection;
        if (!port.executor().inEventLoop() || task.dataInBuffer() != null || task.streamed >= 0 || task.aborted
                || task.orphaned || !port.fullFeature() || !port.writable() || port.retention() != null
                || port.negotiated().dataDigest() || task.edtl <= 0 || !data.hasRemaining()) {
            return null;
        }
        int produced = data.remaining();
        int moved = Math.min(produced, task.edtl);
        DataInPlan plan = new DataInPlan(task.itt, task.lunField, moved,
                port.negotiated().initiatorMaxRecvDataSegmentLength(), session.negotiated().maxBurstLength(),
                false, 0, false, false, 0, 0);
        // the task still holds its place in the window: MaxCmdSN as it stands
        int maxCmdSn = session.window().maxCmdSn();
        List<DataIn> pdus = new ArrayList<>(plan.count());
        ByteBuf lent = Unpooled.wrappedBuffer(data);
        try {
            for (int offset = 0; offset < moved; offset += pdus.get(pdus.size() - 1).data().readableBytes()) {
                pdus.add(plan.pdu(pdus.size(), offset, lent, port.statSn(), session.window().expCmdSn(), maxCmdSn));
            }
        } catch (RuntimeException e) {
            pdus.forEach(DataIn::release); // nothing left yet: the device copies instead
            return null;
        } finally {
            lent.release(); // the PDUs hold their slices
        }
        CompletableFuture<Void> left = new CompletableFuture<>();
        EventExecutor loop = port.executor();
        int last = pdus.size() - 1;
        int sent = 0;
        try {
            for (; sent < last; sent++) {
                port.send(pdus.get(sent));
            }
            // PDUs leave in order: the last one leaving means all did
            port.send(pdus.get(last), () -> complete(left, loop));
            sent++;
        } catch (RuntimeException e) {
            // cannot happen on a working connection; the command must end all the same
            pdus.subList(sent + 1, pdus.size()).forEach(DataIn::release);
            complete(left, loop);
            throw e;
        }
        task.streamed = moved;
        task.streamProduced = produced;
        task.dataInPdus = pdus.size();
        port.flushSoon();
        return left;
    }

    /** Completes on the loop, after whatever write is under way there (never inside Netty's flush). */
    private static void complete(CompletableFuture<Void> left, EventExecutor loop) {
        try {
            loop.execute(() -> left.complete(null));
        } catch (RejectedExecutionException e) {
            left.complete(null); // the loop is gone: nothing will run there any more
        }
    }
}
