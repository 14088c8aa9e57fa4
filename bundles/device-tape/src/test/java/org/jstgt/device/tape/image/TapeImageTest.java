package org.jstgt.device.tape.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.jstgt.device.tape.image.Model.Obj;
import org.jstgt.device.tape.image.TapeImage.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every TapeImage operation against the model, on real files, across reopens. */
class TapeImageTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void randomOperationsMatchTheModelAcrossReopens() throws IOException {
        for (int seed = 1; seed <= 8; seed++) {
            Random r = new Random(seed);
            Path file = dir.resolve("R" + seed + ".tape");
            TapeImages.create(file, 3 * MIB, false);
            Model m = new Model();
            TapeImage t = TapeImages.open(file);
            try {
                for (int i = 0; i < 150; i++) {
                    Ops.step(t, m, r, 70_000, 300, true);
                    if (r.nextInt(8) == 0) {
                        m.check(t, r);
                    }
                    if (r.nextInt(15) == 0) {
                        t.close();
                        t = TapeImages.open(file);
                        m.check(t, r);
                    }
                }
                m.check(t, r);
            } finally {
                t.close();
            }
            try (TapeImage again = TapeImages.open(file)) {
                m.check(again, r);
            }
        }
    }

    @Test
    void aMillionFixedBlocksKeepTheIndexTiny() throws IOException {
        Path file = dir.resolve("BIG.tape");
        TapeImages.create(file, 64 * MIB, false);
        int per = 4000;
        ByteBuffer data = ByteBuffer.allocate(per);
        for (int i = 0; i < per; i++) {
            data.put(i, (byte) i);
        }
        long n = 1_000_000;
        try (TapeImage t = TapeImages.open(file)) {
            for (long done = 0; done < n; done += per) {
                t.appendBlocks(data.clear(), 1, per);
            }
            t.appendMarks(Kind.FILEMARK, 1);
            assertEquals(2, ((FileTapeImage) t).extents(), "one extent of blocks, one of the filemark");
        }
        long expected = Identity.DATA_START + (n + 1) * Records.HEADER + n
                + Records.HEADER + Index.CHECKPOINT_HEAD + 2 * Index.EXTENT;
        assertEquals(expected, Files.size(file), "records and one small checkpoint, nothing else");
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(n + 1, t.objects());
            assertEquals(2, ((FileTapeImage) t).extents());
            assertEquals(Kind.FILEMARK, t.kind(n));
            assertEquals(n, t.markAt(Kind.FILEMARK, 0));
            assertEquals(0, t.marksBefore(Kind.FILEMARK, n));
            assertEquals(1, t.marksBefore(Kind.FILEMARK, n + 1));
            assertEquals(n * (1 + Records.HEADER), t.usedBefore(n));
            ByteBuffer one = ByteBuffer.allocate(1);
            for (long id : new long[] {0, 1, 4001, 777_777, n - 1}) {
                t.read(id, one.clear());
                assertEquals((byte) (id % per), one.get(0), "block " + id);
            }
        }
    }

    @Test
    void deltaCheckpointsKeepManySyncsLinear() throws IOException {
        MemChannel ch = new MemChannel(new byte[0]);
        FileTapeImage.format(ch, new Identity(256 * MIB, MIB, false, 0, 1, 2), false);
        Path name = dir.resolve("VAR.tape");
        Model m = new Model();
        Random r = new Random(7);
        long payload = 0;
        FileTapeImage t = FileTapeImage.open(ch, name, true);
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[1 + (i % 97)];
            r.nextBytes(b);
            t.appendBlocks(ByteBuffer.wrap(b), b.length, 1);
            m.objects.add(new Obj(Kind.BLOCK, b));
            payload += b.length + Records.HEADER;
            t.sync();
            if (i % 500 == 0) {
                m.check(FileTapeImage.open(new MemChannel(ch.contents()), name, false), r);
            }
        }
        long checkpoints = ch.size() - Identity.DATA_START - payload;
        long quadratic = 3000L * 3000 / 2 * Index.EXTENT;
        assertTrue(checkpoints < quadratic / 20, checkpoints + " bytes of checkpoints for 3000 syncs");
        m.check(FileTapeImage.open(new MemChannel(ch.contents()), name, false), r);
    }

    @Test
    void capacityStopsAppendsWithTheCountThatFit() throws IOException {
        Path file = dir.resolve("CAP.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(MIB, t.capacity());
            assertEquals(64 << 10, t.earlyWarning());
            assertEquals(Records.HEADER, t.overhead());
            ByteBuffer data = ByteBuffer.allocate(20 * 100_000);
            TapeFullException e = assertThrows(TapeFullException.class, () -> t.appendBlocks(data, 100_000, 20));
            assertEquals(10, e.appended());
            assertEquals(1_000_000, data.position());
            assertEquals(10, t.objects());
            long room = MIB - t.used();
            int marks = (int) (room / Records.HEADER);
            TapeFullException m = assertThrows(TapeFullException.class,
                    () -> t.appendMarks(Kind.FILEMARK, marks + 3));
            assertEquals(marks, m.appended());
            assertEquals(10 + marks, t.objects());
            assertTrue(t.used() <= MIB);
            TapeFullException none = assertThrows(TapeFullException.class,
                    () -> t.appendBlocks(ByteBuffer.allocate(1), 1, 1));
            assertEquals(0, none.appended());
            t.truncate(5);
            t.appendBlocks(ByteBuffer.allocate(100_000), 100_000, 1);
            assertEquals(6, t.objects());
        }
    }

    @Test
    void wormRefusesOverwritingButAppends() throws IOException {
        Path file = dir.resolve("WORM.tape");
        TapeImages.create(file, MIB, true);
        try (TapeImage t = TapeImages.open(file)) {
            assertTrue(t.worm());
            t.appendBlocks(ByteBuffer.allocate(30), 10, 3);
            t.appendMarks(Kind.FILEMARK, 1);
            t.truncate(4);
            assertThrows(IllegalStateException.class, () -> t.truncate(3));
            assertThrows(IllegalStateException.class, () -> t.truncate(0));
            t.appendBlocks(ByteBuffer.allocate(10), 10, 1);
            assertEquals(5, t.objects());
        }
        try (TapeImage t = TapeImages.open(file)) {
            assertTrue(t.worm());
            assertEquals(5, t.objects());
        }
    }

    @Test
    void writeProtectRefusesWritesAndAllowsReads() throws IOException {
        Path file = dir.resolve("WP.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.wrap(new byte[] {1, 2, 3}), 3, 1);
        }
        TapeImages.setWriteProtected(file, true);
        try (TapeImage t = TapeImages.open(file)) {
            assertTrue(t.writeProtected());
            assertThrows(IllegalStateException.class, () -> t.appendBlocks(ByteBuffer.allocate(3), 3, 1));
            assertThrows(IllegalStateException.class, () -> t.appendMarks(Kind.FILEMARK, 1));
            assertThrows(IllegalStateException.class, () -> t.truncate(0));
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, t.read(0, b));
            assertEquals(3, b.get(2));
            t.sync();
        }
        TapeImages.setWriteProtected(file, false);
        try (TapeImage t = TapeImages.open(file)) {
            assertFalse(t.writeProtected());
            t.appendMarks(Kind.FILEMARK, 1);
            assertEquals(2, t.objects());
        }
    }

    @Test
    void aReadOnlyFileIsWriteProtected() throws IOException {
        Path file = dir.resolve("RO.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.allocate(8), 4, 2);
        }
        byte[] before = Files.readAllBytes(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                TapeImage t = FileTapeImage.open(ch, file, false)) {
            assertTrue(t.writeProtected());
            assertEquals(2, t.objects());
            assertThrows(IllegalStateException.class, () -> t.appendMarks(Kind.SETMARK, 1));
            t.read(1, ByteBuffer.allocate(4));
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(file)), "a read-only open writes nothing");
    }

    @Test
    void badArgumentsAreRefused() throws IOException {
        Path file = dir.resolve("ARG.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.allocate(4), 4, 1);
            t.appendMarks(Kind.FILEMARK, 0);
            assertEquals(1, t.objects());
            t.appendMarks(Kind.SETMARK, 1);
            assertThrows(IllegalArgumentException.class, () -> t.appendBlocks(ByteBuffer.allocate(4), 0, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> t.appendBlocks(ByteBuffer.allocate(4), TapeImage.MAX_BLOCK + 1, 1));
            assertThrows(IllegalArgumentException.class, () -> t.appendBlocks(ByteBuffer.allocate(4), 4, 0));
            assertThrows(IllegalArgumentException.class, () -> t.appendBlocks(ByteBuffer.allocate(4), 2, 3));
            assertThrows(IllegalArgumentException.class, () -> t.appendMarks(Kind.BLOCK, 1));
            assertThrows(IllegalArgumentException.class, () -> t.appendMarks(Kind.FILEMARK, -1));
            assertThrows(IllegalArgumentException.class, () -> t.read(1, ByteBuffer.allocate(4)));
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(2, ByteBuffer.allocate(4)));
            assertThrows(IndexOutOfBoundsException.class, () -> t.truncate(3));
            assertThrows(IndexOutOfBoundsException.class, () -> t.usedBefore(3));
            assertThrows(IllegalArgumentException.class, () -> t.marksBefore(Kind.BLOCK, 0));
            assertEquals(2, t.objects());
        }
        TapeImage closed = TapeImages.open(file);
        closed.close();
        closed.close();
        assertThrows(IOException.class, () -> closed.read(0, ByteBuffer.allocate(4)));
        assertThrows(IOException.class, () -> closed.appendMarks(Kind.FILEMARK, 1));
    }

    @Test
    void largestBlockRoundTrips() throws IOException {
        Path file = dir.resolve("MAX.tape");
        TapeImages.create(file, 40 * MIB, false);
        byte[] big = new byte[TapeImage.MAX_BLOCK];
        new Random(3).nextBytes(big);
        Model m = new Model();
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.wrap(big), big.length, 1);
            m.objects.add(new Obj(Kind.BLOCK, big));
        }
        try (TapeImage t = TapeImages.open(file)) {
            m.check(t, new Random(1));
        }
    }
}
