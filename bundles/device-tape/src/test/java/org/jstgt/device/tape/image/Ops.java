package org.jstgt.device.tape.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import org.jstgt.device.tape.image.Model.Obj;
import org.jstgt.device.tape.image.TapeImage.Kind;

/** Random operations applied to an image and to its model alike. */
final class Ops {
    /** What a step did. */
    enum Step {
        BLOCKS, MARKS, TRUNCATE, SYNC
    }

    private Ops() {
    }

    /** Adds to the model what an append asked for (all of it when the append failed: any prefix may be on disk). */
    private static void addBlocks(Model m, byte[] data, int len, int count) {
        for (int i = 0; i < count; i++) {
            byte[] one = new byte[len];
            System.arraycopy(data, i * len, one, 0, len);
            m.objects.add(new Obj(Kind.BLOCK, one));
        }
    }

    /**
     * Does one random operation.
     *
     * @param maxBlock the largest block length to use
     * @param maxCount the most blocks or marks appended at once
     * @param truncates whether truncation may be chosen
     */
    static Step step(TapeImage t, Model m, Random r, int maxBlock, int maxCount, boolean truncates)
            throws IOException {
        int pick = r.nextInt(20);
        if (pick < 11) {
            int[] lengths = {1, 512, 10240, 1 + r.nextInt(maxBlock)};
            int len = Math.min(maxBlock, lengths[r.nextInt(lengths.length)]);
            int count = r.nextInt(12) == 0 ? 1 + r.nextInt(maxCount) : 1 + r.nextInt(6);
            if ((long) count * len > 4 << 20) {
                count = Math.max(1, (4 << 20) / len);
            }
            byte[] data = new byte[count * len];
            r.nextBytes(data);
            ByteBuffer b = ByteBuffer.wrap(data);
            int appended = count;
            try {
                t.appendBlocks(b, len, count);
            } catch (TapeFullException e) {
                appended = e.appended();
            } catch (IOException e) {
                addBlocks(m, data, len, count);
                throw e;
            }
            assertEquals(appended * len, b.position(), "buffer position after the append");
            addBlocks(m, data, len, appended);
            return Step.BLOCKS;
        }
        if (pick < 15) {
            Kind k = r.nextInt(4) == 0 ? Kind.SETMARK : Kind.FILEMARK;
            int count = r.nextInt(12) == 0 ? r.nextInt(maxCount + 1) : r.nextInt(4);
            int appended = count;
            try {
                t.appendMarks(k, count);
            } catch (TapeFullException e) {
                appended = e.appended();
            } finally {
                for (int i = 0; i < appended; i++) {
                    m.objects.add(new Obj(k, null));
                }
            }
            return Step.MARKS;
        }
        if (pick < 17 && truncates) {
            int n = m.objects.size();
            int id = r.nextInt(3) == 0 ? 0 : n - r.nextInt(Math.min(n, 40) + 1);
            try {
                t.truncate(id);
            } finally {
                m.objects.subList(id, n).clear();
            }
            return Step.TRUNCATE;
        }
        t.sync();
        return Step.SYNC;
    }
}
