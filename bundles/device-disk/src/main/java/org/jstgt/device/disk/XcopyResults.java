package org.jstgt.device.disk;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;

/**
 * What the copy manager holds for RECEIVE COPY RESULTS (SPC-4 §6.18) about the EXTENDED
 * COPY(LID1) commands sent with LIST ID USAGE 00b: per I_T nexus and LIST IDENTIFIER, whether the
 * copy runs, how far it got, and how it failed. A second such command with the LIST IDENTIFIER of
 * one still running on the same nexus is refused with OPERATION IN PROGRESS (SPC-4 §6.4.3.1).
 *
 * <p>Bounded: at most 256 lists per nexus (one per LIST IDENTIFIER, the newest replacing a
 * finished one) and {@link #MAX_NEXUSES} nexuses, the least recently used forgotten first; a
 * nexus's lists go when it ends ({@link DiskUnit#nexusLost}). Thread-safe.
 */
final class XcopyResults {
    /** Service actions of RECEIVE COPY RESULTS (SPC-4 §6.18.1). */
    static final int COPY_STATUS = 0x00;
    static final int FAILED_SEGMENT_DETAILS = 0x04;
    /** Nexuses whose lists are kept. */
    static final int MAX_NEXUSES = 64;

    /** SPC-4 Annex D: ILLEGAL REQUEST, OPERATION IN PROGRESS. */
    private static final Sense OPERATION_IN_PROGRESS = Sense.of(SenseKey.ILLEGAL_REQUEST, 0x00, 0x16);
    /** COPY MANAGER STATUS values (SPC-4 §6.18.2). */
    private static final int IN_PROGRESS = 0x00;
    private static final int COMPLETED_GOOD = 0x01;
    private static final int COMPLETED_WITH_ERRORS = 0x02;

    /** One list's progress; written by its copy, read by RECEIVE COPY RESULTS. */
    static final class Progress {
        private int state = IN_PROGRESS;
        private int segments;
        private long bytes;
        private Sense failure;

        /** A segment of {@code n} bytes was copied. */
        synchronized void segmentDone(long n) {
            segments++;
            bytes += n;
        }

        /** The copy ended: GOOD when {@code failure} is null, else CHECK CONDITION with it. */
        synchronized void ended(Sense failure) {
            this.failure = failure;
            state = failure == null ? COMPLETED_GOOD : COMPLETED_WITH_ERRORS;
        }

        synchronized boolean running() {
            return state == IN_PROGRESS;
        }

        /**
         * COPY STATUS parameter data (SPC-4 §6.18.2): byte 4 HDD (7, 0: no held data), COPY
         * MANAGER STATUS (6-0); 5-6 SEGMENTS PROCESSED; 7 TRANSFER COUNT UNITS (00h: bytes; a
         * command moves at most 16 segments of 64 MiB); 8-11 TRANSFER COUNT.
         */
        synchronized byte[] copyStatus() {
            byte[] d = new byte[12];
            Bytes.putU32(d, 0, d.length - 4L);
            d[4] = (byte) state;
            Bytes.putU16(d, 5, segments);
            Bytes.putU32(d, 8, bytes);
            return d;
        }

        /**
         * FAILED SEGMENT DETAILS parameter data (SPC-4 §6.18.5): AVAILABLE DATA 0 while the copy
         * runs; once ended, byte 56 EXTENDED COPY COMMAND STATUS, 58-59 SENSE DATA LENGTH, then
         * the sense data in fixed format (none for GOOD).
         */
        synchronized byte[] failedSegmentDetails() {
            if (state == IN_PROGRESS) {
                return new byte[4];
            }
            byte[] sense = failure == null ? new byte[0] : SenseData.fixed(failure);
            byte[] d = new byte[60 + sense.length];
            Bytes.putU32(d, 0, d.length - 4L);
            d[56] = (byte) (failure == null ? ScsiStatus.GOOD : ScsiStatus.CHECK_CONDITION);
            Bytes.putU16(d, 58, sense.length);
            System.arraycopy(sense, 0, d, 60, sense.length);
            return d;
        }
    }

    /** By nexus (initiator port, target port), then LIST IDENTIFIER; access ordered for eviction. */
    private final LinkedHashMap<String, Map<Integer, Progress>> byNexus = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Integer, Progress>> eldest) {
            return size() > MAX_NEXUSES;
        }
    };

    private static String nexus(String initiatorPort, String targetPort) {
        return initiatorPort + '\n' + targetPort;
    }

    /**
     * Records the start of a copy with LIST ID USAGE 00b.
     *
     * @param task the EXTENDED COPY command
     * @param listId its LIST IDENTIFIER
     * @return the list's progress, to update as the copy goes
     * @throws ScsiException OPERATION IN PROGRESS (00h/16h, field pointer at parameter list byte
     *     0) when a copy of that list identifier runs on the nexus
     */
    synchronized Progress begin(ScsiTask task, int listId) throws ScsiException {
        Map<Integer, Progress> lists = byNexus.computeIfAbsent(
                nexus(task.initiatorPortName(), task.targetPortName()), k -> new HashMap<>());
        Progress old = lists.get(listId);
        if (old != null && old.running()) {
            throw new ScsiException(OPERATION_IN_PROGRESS, "list " + listId + " is being copied")
                    .inParameterList(0, -1);
        }
        Progress p = new Progress();
        lists.put(listId, p);
        return p;
    }

    /** Forgets the lists of a nexus that ended. */
    synchronized void nexusLost(String initiatorPort, String targetPort) {
        byNexus.remove(nexus(initiatorPort, targetPort));
    }

    private synchronized Progress find(ScsiTask task, int listId) throws ScsiException {
        Map<Integer, Progress> lists = byNexus.get(nexus(task.initiatorPortName(), task.targetPortName()));
        Progress p = lists == null ? null : lists.get(listId);
        if (p == null) {
            // SPC-4 §6.18.2: a LIST IDENTIFIER of no EXTENDED COPY command of the nexus
            throw ScsiException.invalidCdbField(2, -1);
        }
        return p;
    }

    /**
     * RECEIVE COPY RESULTS COPY STATUS (00h) or FAILED SEGMENT DETAILS (04h) (SPC-4 §6.18.2,
     * §6.18.5): byte 2 LIST IDENTIFIER, bytes 10-13 ALLOCATION LENGTH (data cut there, SPC-4
     * §4.2.5.6). The list is looked up at parse: an unknown one is INVALID FIELD IN CDB at byte 2.
     */
    CommandDescriptor parse(ScsiTask task, int serviceAction) throws ScsiException {
        Cdb cdb = task.cdb();
        Xcopy.checkReceiveCopyResults(cdb);
        Progress p = find(task, cdb.u8(2));
        return Commands.dataIn(CdbChecks.cap(cdb.u32(10)),
                t -> serviceAction == COPY_STATUS ? p.copyStatus() : p.failedSegmentDetails());
    }
}
