package org.jstgt.benchmarks.mcs;

import java.io.IOException;

import org.jstgt.testkit.Cdbs;

/**
 * A copy within the target: each slot sends EXTENDED COPY(LID1) of one chunk, one block to block
 * segment between the two LUNs named by the NAA designators of their VPD pages 83h, with the slot's
 * own list identifier. Before the run it reads those pages and, when the target answers RECEIVE COPY
 * OPERATING PARAMETERS, fits the chunk to its MAXIMUM SEGMENT LENGTH and the queue depth to its
 * MAXIMUM CONCURRENT COPIES; then it copies the first chunk as a probe, which tells whether the
 * target has the command.
 */
final class ExtendedCopy extends Copy {
    private static final int VPD_LENGTH = 255;
    private static final int LIMITS_LENGTH = 256;
    private byte[] from;
    private byte[] to;
    private volatile int slots;

    ExtendedCopy(McsOptions options, McsClient.Capacity from, McsClient.Capacity to, int slots) {
        super(options, from, to);
        this.slots = Math.min(slots, 255); // one list identifier, 1..255, per slot
        // the NUMBER OF BLOCKS field has 16 bits: the largest power of two that fits
        chunkBlocks = Math.min(chunkBlocks, 1 << 15);
    }

    /** @return the slots to fill: the queue depth, perhaps lowered to what the copy manager allows */
    int slots() {
        return slots;
    }

    @Override
    public String prepare(McsClient client) throws IOException, InterruptedException {
        from = naa(client, source);
        to = naa(client, destination);
        if (from == null || to == null) {
            return "no NAA designator of the logical unit in VPD page 83h of LUN " + (from == null ? source
                    : destination);
        }
        McsTask t = client.probe(McsCommand.read(source, CopyCdbs.receiveCopyOperatingParameters(LIMITS_LENGTH),
                "RECEIVE COPY OPERATING PARAMETERS", LIMITS_LENGTH, true));
        CopyLimits limits = t.status == McsSense.GOOD ? CopyLimits.parse(t.data, t.received) : null;
        if (limits != null) {
            if (limits.refusal() != null) {
                return limits.refusal();
            }
            fit(limits);
        }
        String refusal = Shapes.firstCommand(client, next(0));
        restart();
        return refusal;
    }

    private void fit(CopyLimits limits) {
        if (limits.maxSegmentBytes() > 0) {
            long most = Math.max(1, limits.maxSegmentBytes() / blockLength);
            while (chunkBlocks > most && chunkBlocks > 1) {
                chunkBlocks = chunkBlocks % 2 == 0 ? chunkBlocks / 2 : (int) most;
            }
        }
        if (limits.maxConcurrentCopies() > 0) {
            slots = Math.min(slots, limits.maxConcurrentCopies());
        }
    }

    private static byte[] naa(McsClient client, int lun) throws IOException, InterruptedException {
        McsTask t = client.probeGood(McsCommand.read(lun, Cdbs.inquiry(true, 0x83, VPD_LENGTH),
                "INQUIRY (VPD page 83h)", VPD_LENGTH, true));
        return Designators.naa(java.util.Arrays.copyOf(t.data, t.received));
    }

    @Override
    public McsCommand next(int slot) {
        long lba = takeChunk();
        if (lba < 0) {
            return null;
        }
        byte[] list = CopyCdbs.copyParameters(slot + 1, from, to, blockLength, blocksAt(lba), lba, lba);
        return McsCommand.write(source, CopyCdbs.extendedCopy(list.length), "EXTENDED COPY(LID1)", list);
    }

    @Override
    public void finished(int slot, McsTask task) throws IOException {
        Shapes.requireGood(task);
        copied(blocksAt(lbaOf(task)));
    }

    /** @return the SOURCE LOGICAL BLOCK ADDRESS of the task's segment descriptor */
    private static long lbaOf(McsTask task) {
        return java.nio.ByteBuffer.wrap(task.command.dataOut()).getLong(CopyCdbs.HEADER_LENGTH
                + 2 * CopyCdbs.CSCD_LENGTH + 12);
    }
}
