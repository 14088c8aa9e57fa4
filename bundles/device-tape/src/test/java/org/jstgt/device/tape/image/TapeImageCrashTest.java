package org.jstgt.device.tape.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import org.jstgt.device.tape.image.Model.Obj;
import org.jstgt.device.tape.image.TapeImage.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power failures at every step: a session of random appends, truncations and syncs runs on a
 * {@link MemChannel}; for every logged write the file a crash would leave (earlier unforced writes
 * kept, dropped or a random subset; the write itself torn at many byte counts) is reopened and must
 * hold a prefix of a state the session passed through since its last completed sync or
 * truncation, with everything of that commit that the state still holds, every block intact; and
 * it must take new writes.
 */
class TapeImageCrashTest {
    private static final Path NAME = Path.of("CRASH.tape");
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** A recorded session: the states after each call, and where each call's log entries begin. */
    private static final class Session {
        final List<List<Obj>> states = new ArrayList<>();
        final List<Integer> durable = new ArrayList<>();
        final List<Integer> logStart = new ArrayList<>();
        byte[] initial;
        MemChannel ch;

        int callOf(int op) {
            int c = 0;
            while (c + 1 < logStart.size() && logStart.get(c + 1) <= op) {
                c++;
            }
            return c;
        }
    }

    private static Session run(long seed, int calls, long failAfter) throws IOException {
        Session s = new Session();
        s.ch = new MemChannel(new byte[0]);
        FileTapeImage.format(s.ch, new Identity(MIB, 64 << 10, false, 0, 1, 2), false);
        s.initial = s.ch.contents();
        s.ch.log.clear();
        s.ch.failAfter = failAfter;
        FileTapeImage t = FileTapeImage.open(s.ch, NAME, true);
        Random r = new Random(seed);
        Model m = new Model();
        s.states.add(List.of());
        s.durable.add(0);
        s.logStart.add(0);
        int lastDurable = 0;
        for (int c = 1; c <= calls; c++) {
            s.logStart.add(s.ch.log.size());
            s.durable.add(lastDurable);
            Ops.Step step;
            int before = m.objects.size();
            try {
                step = Ops.step(t, m, r, 1500, 40, true);
            } catch (IOException e) {
                s.states.add(List.copyOf(m.objects));
                assertThrows(IOException.class, () -> t.appendMarks(Kind.FILEMARK, 1), "writes after " + e);
                assertThrows(IOException.class, t::sync);
                return s;
            }
            s.states.add(List.copyOf(m.objects));
            if (step == Ops.Step.SYNC || step == Ops.Step.TRUNCATE && m.objects.size() < before) {
                lastDurable = c;
            }
        }
        s.logStart.add(s.ch.log.size());
        s.durable.add(lastDurable);
        t.close();
        s.states.add(List.copyOf(m.objects));
        return s;
    }

    private static int images;
    private static int recoveries;

    /** Reopens a crash image and checks what it holds; then that it takes a block and keeps it. */
    private static void check(Session s, byte[] image, int call, String what) throws IOException {
        int d = s.durable.get(call);
        images++;
        List<Obj> got;
        MemChannel ch = new MemChannel(image);
        FileTapeImage t;
        try {
            t = FileTapeImage.open(ch, NAME, true);
            got = Model.contents(t);
        } catch (IOException e) {
            throw new AssertionError(what + ": " + e, e);
        }
        boolean ok = false;
        for (int k = d; k <= call && !ok; k++) {
            List<Obj> state = s.states.get(k);
            ok = Model.prefix(state, got) && got.size() >= Model.common(s.states.get(d), state);
        }
        if (!ok) {
            fail(what + ": recovered " + got.size() + " objects, not a prefix of a state since call " + d
                    + " (sizes " + s.states.subList(d, call + 1).stream().map(List::size).toList() + ")");
        }
        byte[] b = {(byte) call, 42};
        t.appendBlocks(ByteBuffer.wrap(b), 2, 1);
        t.sync();
        t = FileTapeImage.open(new MemChannel(ch.contents()), NAME, false);
        assertEquals(got.size() + 1, t.objects(), what + ": the block appended after recovery");
        ByteBuffer back = ByteBuffer.allocate(2);
        t.read(got.size(), back);
        assertEquals(42, back.get(1), what);
    }

    /**
     * Recovery itself may be cut short: a crash at any step of the commit a writable open makes
     * leaves an image that recovers to the same objects.
     */
    private static void crashDuringRecovery(byte[] image, String what) throws IOException {
        MemChannel ch = new MemChannel(image);
        List<Obj> recovered = Model.contents(FileTapeImage.open(ch, NAME, true));
        for (int op = 0; op < ch.log.size(); op++) {
            MemChannel.Op o = ch.log.get(op);
            int len = o.write() ? o.data().length : 0;
            for (int torn : new int[] {0, len / 2, len}) {
                recoveries++;
                List<Obj> again = Model.contents(
                        FileTapeImage.open(new MemChannel(ch.crashImage(image, op, torn, null)), NAME, false));
                assertEquals(recovered.size(), again.size(), what + ": recovery cut at op " + op + " torn " + torn);
                assertTrue(Model.prefix(recovered, again), what);
            }
        }
    }

    private static TreeSet<Integer> tears(int len, Random r) {
        TreeSet<Integer> at = new TreeSet<>();
        if (len <= 64) {
            for (int i = 0; i <= len; i++) {
                at.add(i);
            }
            return at;
        }
        for (int i = 0; i <= len; i += 512) {
            at.add(i);
        }
        for (int i : new int[] {1, 8, 28, 31, 32, 33, 60, len / 2, len - 1, len}) {
            at.add(Math.min(len, i));
        }
        for (int i = 0; i < 4; i++) {
            at.add(r.nextInt(len + 1));
        }
        return at;
    }

    @Test
    void everyStepOfRandomSessions() throws IOException {
        images = 0;
        recoveries = 0;
        for (long seed = 1; seed <= 4; seed++) {
            Session s = run(seed, 45, Long.MAX_VALUE);
            Random r = new Random(seed);
            List<MemChannel.Op> log = s.ch.log;
            for (int op = 0; op <= log.size(); op++) {
                int call = Math.min(s.callOf(op), s.states.size() - 1);
                if (op == log.size()) {
                    call = s.states.size() - 1;
                }
                MemChannel.Op o = op < log.size() ? log.get(op) : null;
                int len = o == null || !o.write() ? 0 : o.data().length;
                for (int torn : tears(len, r)) {
                    check(s, s.ch.crashImage(s.initial, op, torn, null), call,
                            "seed " + seed + " op " + op + " torn at " + torn);
                }
                for (int k = 0; k < 3; k++) {
                    Random keep = new Random(op * 31L + k);
                    int torn = len == 0 ? 0 : keep.nextInt(len + 1);
                    byte[] image = s.ch.crashImage(s.initial, op, torn, keep);
                    check(s, image, call, "seed " + seed + " op " + op + " subset " + k);
                    if (k == 0 && seed <= 2) {
                        crashDuringRecovery(image, "seed " + seed + " op " + op);
                    }
                }
                Random never = new Random() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public boolean nextBoolean() {
                        return false;
                    }
                };
                check(s, s.ch.crashImage(s.initial, op, 0, never), call, "seed " + seed + " op " + op + " forced only");
            }
        }
        assertTrue(images > 2000, images + " crash images");
        assertTrue(recoveries > 500, recoveries + " crash images of recoveries");
    }

    @Test
    void aFailedWriteRefusesFurtherWritesAndRecovers() throws IOException {
        Session whole = run(9, 30, Long.MAX_VALUE);
        long total = whole.ch.log.stream().filter(MemChannel.Op::write).mapToLong(o -> o.data().length).sum();
        for (long fail = 1; fail < total; fail += total / 40) {
            Session s = run(9, 30, fail);
            int call = s.states.size() - 1;
            check(s, s.ch.contents(), call, "write failing after " + fail + " bytes");
        }
    }

    @Test
    void aCrashWhileFormattingLeavesABlankOrAnEmptyImage() throws IOException {
        MemChannel ch = new MemChannel(new byte[0]);
        FileTapeImage.format(ch, new Identity(MIB, 64 << 10, true, 0, 1, 2), false);
        for (int op = 0; op <= ch.log.size(); op++) {
            MemChannel.Op o = op < ch.log.size() ? ch.log.get(op) : null;
            int len = o == null || !o.write() ? 0 : o.data().length;
            for (int torn = 0; torn <= len; torn += len > 64 ? 97 : 1) {
                MemChannel img = new MemChannel(ch.crashImage(new byte[0], op, torn, null));
                if (!TapeImages.blank(img)) {
                    FileTapeImage t = FileTapeImage.open(img, NAME, true);
                    assertEquals(0, t.objects(), "op " + op + " torn " + torn);
                    assertTrue(t.worm());
                }
            }
        }
    }

    @Test
    void aTornNewestSlotFallsBackToTheOther() throws IOException {
        Path file = dir.resolve("SLOT.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.allocate(300), 100, 3);
            t.sync();
            t.appendMarks(Kind.FILEMARK, 1);
            t.appendBlocks(ByteBuffer.allocate(50), 50, 1);
        }
        byte[] img = Files.readAllBytes(file);
        long newest = Math.max(ByteBuffer.wrap(img).getLong(512 + 8), ByteBuffer.wrap(img).getLong(1024 + 8));
        int at = (int) Slot.offset(newest);
        img[at + 20] ^= 1;
        Files.write(file, img);
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(5, t.objects(), "the older slot, rolled forward over the records after it");
            assertEquals(Kind.FILEMARK, t.kind(3));
            assertEquals(50, t.length(4));
        }
        byte[] both = Files.readAllBytes(file);
        both[512 + 30] ^= 1;
        both[1024 + 30] ^= 1;
        Files.write(file, both);
        TapeImageException e = assertThrows(TapeImageException.class, () -> TapeImages.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void aBadRecordInTheUnsyncedTailEndsTheData() throws IOException {
        Path file = dir.resolve("TAIL.tape");
        Path copy = dir.resolve("TAIL2.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.allocate(1000), 100, 10);
            t.sync();
            t.appendBlocks(ByteBuffer.allocate(500), 100, 5);
            Files.copy(file, copy);
        }
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            long twelfth = Files.size(copy) - 3L * (Records.HEADER + 100) + Records.HEADER + 7;
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), twelfth);
        }
        try (TapeImage t = TapeImages.open(copy)) {
            assertEquals(12, t.objects(), "10 synced, 2 rolled forward, the damaged third ends the data");
            t.appendMarks(Kind.FILEMARK, 1);
        }
        try (TapeImage t = TapeImages.open(copy)) {
            assertEquals(13, t.objects());
            assertEquals(Kind.FILEMARK, t.kind(12));
        }
    }

    @Test
    void aDamagedSyncedBlockIsAMediumErrorOnRead() throws IOException {
        Path file = dir.resolve("ROT.tape");
        TapeImages.create(file, MIB, false);
        try (TapeImage t = TapeImages.open(file)) {
            t.appendBlocks(ByteBuffer.allocate(300), 100, 3);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), Identity.DATA_START + Records.HEADER + 100 + Records.HEADER + 5);
        }
        try (TapeImage t = TapeImages.open(file)) {
            assertEquals(3, t.objects());
            t.read(0, ByteBuffer.allocate(100));
            IOException e = assertThrows(IOException.class, () -> t.read(1, ByteBuffer.allocate(100)));
            assertTrue(e.getMessage().contains("CRC"), e.getMessage());
            assertThrows(IOException.class, () -> t.read(1, ByteBuffer.allocate(10)));
            t.read(2, ByteBuffer.allocate(100));
        }
    }
}
