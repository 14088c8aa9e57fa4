package org.jstgt.iscsi.flow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.jstgt.iscsi.pdu.DataOut;

/**
 * Unsolicited Data-Out that arrived for commands still waiting for their CmdSN (RFC 7143
 * §3.2.2.1): kept until the command starts, at most FirstBurstLength bytes and
 * {@code early.data.pdus.max} PDUs per command (zero-length PDUs count), with a running byte sum.
 * With the command window bounding the queued commands, a session keeps at most queue depth times
 * that. Confined to the session's event loop.
 */
public final class EarlyData {
    private static final class Kept {
        final List<DataOut> pdus = new ArrayList<>();
        long bytes;
    }

    private final Map<Integer, Kept> byItt = new HashMap<>();

    /**
     * Keeps a Data-Out for a queued command (the caller checked that its ITT is queued).
     *
     * @param d the PDU (its data is copied when kept; the caller keeps its reference)
     * @param maxBytes FirstBurstLength: the most unsolicited data a command may have
     * @param maxPdus the most PDUs kept for one command
     * @return null when kept, else why not (nothing kept)
     */
    public String keep(DataOut d, int maxBytes, int maxPdus) {
        Kept k = byItt.get(d.itt());
        long bytes = (k == null ? 0 : k.bytes) + d.data().readableBytes();
        int pdus = (k == null ? 0 : k.pdus.size()) + 1;
        if (bytes > maxBytes) {
            return "unsolicited data of " + bytes + " bytes beyond FirstBurstLength " + maxBytes
                    + " for a queued command";
        }
        if (pdus > maxPdus) {
            return "more than " + maxPdus + " unsolicited Data-Out PDUs for a queued command";
        }
        if (k == null) {
            k = new Kept();
            byItt.put(d.itt(), k);
        }
        k.pdus.add(compact(d));
        k.bytes = bytes;
        return null;
    }

    /**
     * @return the PDU with its data in a buffer of its own: a slice of the receive buffer would keep
     *     all of that buffer alive for as long as the command waits
     */
    private static DataOut compact(DataOut d) {
        ByteBuf data = d.data();
        int len = data.readableBytes();
        ByteBuf copy = len == 0 ? Unpooled.EMPTY_BUFFER
                : data.alloc().heapBuffer(len, len).writeBytes(data, data.readerIndex(), len);
        return new DataOut(d.finalFlag(), d.lun(), d.itt(), d.ttt(), d.expStatSn(), d.dataSn(), d.bufferOffset(), copy);
    }

    /**
     * @param itt a command about to start
     * @return the Data-Out kept for it (the caller releases them), or null
     */
    public List<DataOut> take(int itt) {
        Kept k = byItt.remove(itt);
        return k == null ? null : k.pdus;
    }

    /** @param itt a command dropped while queued: its data is released */
    public void release(int itt) {
        Kept k = byItt.remove(itt);
        if (k != null) {
            k.pdus.forEach(DataOut::release);
        }
    }

    /** Releases everything (session over). */
    public void releaseAll() {
        byItt.values().forEach(k -> k.pdus.forEach(DataOut::release));
        byItt.clear();
    }
}
