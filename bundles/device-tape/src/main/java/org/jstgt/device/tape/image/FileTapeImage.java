package org.jstgt.device.tape.image;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * A {@link TapeImage} in one file of the format of TAPE-IMAGE.md: the identity block, two commit
 * slots, then records (one per logical object, and index checkpoints) appended with gathering
 * writes. {@link #sync()} forces the records and a checkpoint of the index, then commits a slot.
 * Opening reads the newer valid slot, its checkpoint chain, and rolls forward over the records of
 * the slot's generation that follow it, stopping at the first that fails its check.
 */
final class FileTapeImage implements TapeImage {
    /** Records per gathering write. */
    private static final int BATCH = 256;
    /** Bytes per gathering write, at least one record (heap buffers are copied to direct ones per write). */
    private static final int BATCH_BYTES = 8 << 20;
    /** Delta checkpoints allowed after a full one. */
    private static final int CHAIN = 64;
    /** A full index up to this size is always written whole. */
    private static final int SMALL_INDEX = 4096;
    private static final int CHUNK = 1 << 20;
    private static final Random GENERATIONS = new SecureRandom();

    private final FileChannel ch;
    private final Path file;
    private final Identity identity;
    private final boolean writable;
    private final Index index;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer heads = ByteBuffer.allocate(Records.HEADER * BATCH);
    private ByteBuffer scratch;
    private boolean protectFlag;
    /** Sequence number of the committed slot. */
    private long sequence;
    private long generation;
    /** Where the next record goes. */
    private long tail;
    private long committedObjects;
    /** Offset of the committed checkpoint (0: none) and of the record after it. */
    private long checkpoint;
    private long rollFrom;
    /** Delta checkpoints since the last full one, and their payload bytes. */
    private int chain;
    private long deltaBytes;
    /** Objects appended since the commit. */
    private boolean dirty;
    /** A write failed: the file may hold records the index does not; writes refused until reopened. */
    private boolean broken;
    private boolean closed;

    private FileTapeImage(FileChannel ch, Path file, Identity identity, boolean writable, Slot slot, Index index,
            int chain, long deltaBytes) {
        this.ch = ch;
        this.file = file;
        this.identity = identity;
        this.writable = writable;
        this.index = index;
        this.protectFlag = slot.writeProtected();
        this.sequence = slot.sequence();
        this.generation = slot.generation();
        this.committedObjects = slot.objects();
        this.checkpoint = slot.checkpoint();
        this.rollFrom = slot.rollFrom();
        this.tail = slot.rollFrom();
        this.chain = chain;
        this.deltaBytes = deltaBytes;
    }

    /**
     * Writes the header area of a blank image: everything but the magic, forced, then the magic,
     * forced, so that a crash leaves a file that is still blank (no magic) or a complete one.
     */
    static void format(FileChannel ch, Identity identity, boolean writeProtected) throws IOException {
        ByteBuffer area = ByteBuffer.allocate(Identity.DATA_START);
        area.put(identity.encode());
        area.put((int) Slot.offset(0), new Slot(0, GENERATIONS.nextLong(), 0, 0, Identity.DATA_START,
                writeProtected).encode(), 0, Slot.AREA);
        area.put(0, new byte[Identity.MAGIC.length]);
        area.clear();
        ch.truncate(0);
        writeFully(ch, area, 0);
        ch.force(true);
        writeFully(ch, ByteBuffer.wrap(Identity.MAGIC), 0);
        ch.force(true);
    }

    /**
     * Opens and recovers an image.
     *
     * @param ch the file, open for reading (and writing when {@code writable})
     * @param file its path, for messages
     * @param writable whether the file may be written
     * @throws TapeImageException when it is not a tape image or no commit slot can be loaded
     */
    static FileTapeImage open(FileChannel ch, Path file, boolean writable) throws IOException {
        long size = ch.size();
        if (size < Identity.DATA_START) {
            throw new TapeImageException(file, "not a jstgt tape image (" + size + " bytes, shorter than its header)");
        }
        ByteBuffer head = ByteBuffer.allocate(Identity.DATA_START);
        readFully(ch, head, 0);
        Identity identity;
        try {
            identity = Identity.decode(head);
        } catch (IllegalArgumentException e) {
            throw new TapeImageException(file, e.getMessage());
        }
        List<Slot> slots = new ArrayList<>(2);
        for (int i = 0; i < 2; i++) {
            Slot s = Slot.decode(head.slice((int) Slot.offset(i), Slot.SIZE));
            if (s != null && Slot.offset(s.sequence()) == Slot.offset(i)) {
                slots.add(s);
            }
        }
        slots.sort((a, b) -> Long.compare(b.sequence(), a.sequence()));
        String why = "no valid commit slot";
        for (Slot s : slots) {
            Index index = new Index();
            try {
                long[] chainInfo = load(ch, s, index, size);
                FileTapeImage image = new FileTapeImage(ch, file, identity, writable, s, index, (int) chainInfo[0],
                        chainInfo[1]);
                image.rollForward(size);
                return image;
            } catch (IllegalArgumentException e) {
                why = "commit slot " + s.sequence() + ": " + e.getMessage();
            }
        }
        throw new TapeImageException(file, "damaged: " + why);
    }

    /**
     * Loads a slot's checkpoint chain into {@code index}.
     *
     * @return the chain's number of deltas and their payload bytes
     * @throws IllegalArgumentException when a checkpoint is missing or damaged
     */
    private static long[] load(FileChannel ch, Slot slot, Index index, long size) throws IOException {
        if (slot.checkpoint() == 0) {
            return new long[] {0, 0};
        }
        List<ByteBuffer> chain = new ArrayList<>();
        long at = slot.checkpoint();
        long deltas = 0;
        while (true) {
            ByteBuffer p = readCheckpoint(ch, at, slot.generation(), size);
            if (chain.isEmpty() && at + Records.HEADER + p.remaining() != slot.rollFrom()) {
                throw new IllegalArgumentException("checkpoint at " + at + " does not end where roll-forward begins");
            }
            chain.add(p);
            long previous = Index.previous(p);
            if (previous == 0) {
                break;
            }
            if (previous >= at || chain.size() > CHAIN + 1) {
                throw new IllegalArgumentException("checkpoint chain at " + at + " is malformed");
            }
            deltas += p.remaining();
            at = previous;
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            index.apply(chain.get(i));
        }
        if (index.objects() != slot.objects()) {
            throw new IllegalArgumentException("checkpoint holds " + index.objects() + " objects, slot says "
                    + slot.objects());
        }
        return new long[] {chain.size() - 1, deltas};
    }

    private static ByteBuffer readCheckpoint(FileChannel ch, long at, long generation, long size) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(Records.HEADER);
        if (at + Records.HEADER > size) {
            throw new IllegalArgumentException("checkpoint at " + at + " is past the end of the file");
        }
        readFully(ch, h, at);
        int len = Records.length(h);
        if (!Records.wellFormed(h) || Records.kindOf(h) != Records.CHECKPOINT || Records.generation(h) != generation
                || len < Index.CHECKPOINT_HEAD || at + Records.HEADER + len > size) {
            throw new IllegalArgumentException("no checkpoint record at " + at);
        }
        ByteBuffer p = ByteBuffer.allocate(len);
        readFully(ch, p, at + Records.HEADER);
        p.flip();
        CRC32C crc = new CRC32C();
        Records.crcHeader(crc, h);
        crc.update(p.duplicate());
        if ((int) crc.getValue() != Records.crc(h) || p.getLong(16) != Records.id(h)) {
            throw new IllegalArgumentException("checkpoint at " + at + " fails its CRC");
        }
        return p;
    }

    /**
     * Appends to the index every record of the committed generation after the checkpoint that
     * checks out, up to the first that does not (torn, stale, foreign). When anything follows the
     * committed state, a writable image starts a new generation at once, so that no stale record
     * after the recovered end of data can be taken for a new one later.
     */
    private void rollForward(long size) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(Records.HEADER);
        long pos = rollFrom;
        while (pos + Records.HEADER <= size) {
            h.clear();
            readFully(ch, h, pos);
            byte k = Records.kindOf(h);
            int len = Records.length(h);
            boolean shape = switch (k) {
                case Records.BLOCK -> len >= 1 && len <= MAX_BLOCK;
                case Records.FILEMARK, Records.SETMARK -> len == 0;
                case Records.CHECKPOINT -> len >= Index.CHECKPOINT_HEAD;
                default -> false;
            };
            if (!shape || !Records.wellFormed(h) || Records.generation(h) != generation
                    || Records.id(h) != index.objects() || pos + Records.HEADER + len > size
                    || !payloadChecks(h, pos, len)) {
                break;
            }
            if (k != Records.CHECKPOINT) {
                index.append(k, len, pos, 1);
            }
            pos += Records.HEADER + len;
        }
        tail = pos;
        if (writable && (pos != rollFrom || size != pos)) {
            restart(index.objects(), Math.max(size, pos), pos);
        }
    }

    private boolean payloadChecks(ByteBuffer h, long pos, int len) throws IOException {
        Records.crcHeader(crc, h);
        ByteBuffer buf = scratch(len);
        for (long done = 0; done < len;) {
            int n = (int) Math.min(buf.capacity(), len - done);
            buf.clear().limit(n);
            readFully(ch, buf, pos + Records.HEADER + done);
            crc.update(buf.flip());
            done += n;
        }
        return (int) crc.getValue() == Records.crc(h);
    }

    private ByteBuffer scratch(int len) {
        int want = Math.max(4096, Math.min(len, CHUNK));
        if (scratch == null || scratch.capacity() < want) {
            scratch = ByteBuffer.allocate(want);
        }
        return scratch;
    }

    @Override
    public long capacity() {
        return identity.capacity();
    }

    /** @return bytes before {@link #capacity()} at which early warning begins (SSC-3 §4.2.6) */
    @Override
    public long earlyWarning() {
        return identity.earlyWarning();
    }

    @Override
    public long used() {
        return usedBefore(index.objects());
    }

    @Override
    public long usedBefore(long id) {
        if (id < 0 || id > index.objects()) {
            throw new IndexOutOfBoundsException("logical object " + id + " is not in 0.." + index.objects());
        }
        return index.payloadBefore(id) + id * Records.HEADER;
    }

    @Override
    public int overhead() {
        return Records.HEADER;
    }

    @Override
    public boolean worm() {
        return identity.worm();
    }

    @Override
    public boolean writeProtected() {
        return protectFlag || !writable;
    }

    @Override
    public long objects() {
        return index.objects();
    }

    @Override
    public Kind kind(long id) {
        return Records.kind(index.kindCode(id));
    }

    @Override
    public int length(long id) {
        return index.length(id);
    }

    @Override
    public long marksBefore(Kind mark, long id) {
        return index.marksBefore(mark, id);
    }

    @Override
    public long markAt(Kind mark, long ordinal) {
        return index.markAt(mark, ordinal);
    }

    @Override
    public int read(long id, ByteBuffer dst) throws IOException {
        open();
        if (index.kindCode(id) != Records.BLOCK) {
            throw new IllegalArgumentException("logical object " + id + " is a " + kind(id) + ", not a block");
        }
        long at = index.offset(id);
        int len = index.length(id);
        ByteBuffer h = ByteBuffer.allocate(Records.HEADER);
        readFully(ch, h, at);
        if (!Records.wellFormed(h) || Records.kindOf(h) != Records.BLOCK || Records.id(h) != id
                || Records.length(h) != len) {
            throw new IOException(file + ": block " + id + " at offset " + at + " is damaged (bad record header)");
        }
        Records.crcHeader(crc, h);
        int n = Math.min(dst.remaining(), len);
        if (n == len) {
            ByteBuffer target = dst.slice(dst.position(), len);
            readFully(ch, target, at + Records.HEADER);
            crc.update(target.flip());
        } else {
            ByteBuffer buf = scratch(len);
            for (int done = 0; done < len;) {
                int k = Math.min(buf.capacity(), len - done);
                buf.clear().limit(k);
                readFully(ch, buf, at + Records.HEADER + done);
                buf.flip();
                if (done < n) {
                    dst.put(dst.position() + done, buf, 0, Math.min(k, n - done));
                }
                crc.update(buf);
                done += k;
            }
        }
        if ((int) crc.getValue() != Records.crc(h)) {
            throw new IOException(file + ": block " + id + " at offset " + at + " fails its CRC");
        }
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public void truncate(long id) throws IOException {
        writeCheck();
        long eod = index.objects();
        if (id < 0 || id > eod) {
            throw new IndexOutOfBoundsException("logical object " + id + " is not in 0.." + eod);
        }
        if (id == eod) {
            return;
        }
        if (identity.worm()) {
            throw new IllegalStateException("WORM medium: objects " + id + ".." + (eod - 1) + " cannot be overwritten");
        }
        long at = index.offset(id);
        index.truncate(id);
        long end = Math.max(tail, ch.size());
        restart(id, end, at);
    }

    /**
     * Commits the index under a new generation with its checkpoint at {@code at}, where the next
     * records go, and cuts the file after it. While the committed slot may still need bytes after
     * {@code at}, the checkpoint is first written and committed past {@code end} (every byte any
     * commit may reference), so that at each step the last commit is intact.
     */
    private void restart(long objects, long end, long at) throws IOException {
        try {
            long gen = GENERATIONS.nextLong();
            ByteBuffer full = index.checkpoint(0, 0);
            long len = Records.HEADER + (long) full.remaining();
            if (at < rollFrom || committedObjects > objects) {
                long away = Math.max(end, at + len);
                writeCheckpoint(full, gen, away);
                ch.force(false);
                commit(gen, objects, away, away + len);
            }
            writeCheckpoint(full, gen, at);
            ch.force(false);
            commit(gen, objects, at, at + len);
            ch.truncate(at + len);
            generation = gen;
            tail = at + len;
            chain = 0;
            deltaBytes = 0;
            dirty = false;
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    @Override
    public void appendBlocks(ByteBuffer data, int blockLength, int count) throws IOException {
        writeCheck();
        if (blockLength < 1 || blockLength > MAX_BLOCK) {
            throw new IllegalArgumentException("block length " + blockLength + " is not in 1.." + MAX_BLOCK);
        }
        if (count < 1 || data.remaining() < (long) blockLength * count) {
            throw new IllegalArgumentException(count + " blocks of " + blockLength + " bytes need "
                    + (long) blockLength * count + " bytes, the buffer has " + data.remaining());
        }
        int fit = fitting(blockLength, count);
        append(Records.BLOCK, blockLength, fit, data);
        if (fit < count) {
            throw new TapeFullException(file + ": capacity " + capacity() + " reached after " + fit + " of " + count
                    + " blocks", fit);
        }
    }

    @Override
    public void appendMarks(Kind mark, int count) throws IOException {
        if (mark == Kind.BLOCK || count < 0) {
            throw new IllegalArgumentException("cannot append " + count + " of " + mark);
        }
        if (count == 0) {
            return;
        }
        writeCheck();
        int fit = fitting(0, count);
        append(Records.code(mark), 0, fit, null);
        if (fit < count) {
            throw new TapeFullException(file + ": capacity " + capacity() + " reached after " + fit + " of " + count
                    + " " + mark + "s", fit);
        }
    }

    private int fitting(int length, int count) {
        long room = Math.max(0, capacity() - used());
        return (int) Math.min(count, room / (Records.HEADER + (long) length));
    }

    private void append(byte code, int len, int n, ByteBuffer data) throws IOException {
        try {
            ByteBuffer[] srcs = new ByteBuffer[len == 0 ? 1 : 2 * Math.min(n, BATCH)];
            for (int done = 0; done < n;) {
                int b = (int) Math.min(Math.min(BATCH, n - done), Math.max(1, BATCH_BYTES / (Records.HEADER + len)));
                long first = index.objects();
                heads.clear();
                for (int i = 0; i < b; i++) {
                    ByteBuffer payload = len == 0 ? null : data.slice(data.position() + i * len, len);
                    Records.header(heads, code, generation, first + i, len, payload, crc);
                    if (payload != null) {
                        srcs[2 * i] = heads.slice(i * Records.HEADER, Records.HEADER);
                        srcs[2 * i + 1] = payload;
                    }
                }
                heads.flip();
                if (len == 0) {
                    srcs[0] = heads;
                }
                int used = len == 0 ? 1 : 2 * b;
                long total = (long) b * (Records.HEADER + len);
                ch.position(tail);
                for (long w = 0; w < total;) {
                    w += ch.write(srcs, 0, used);
                }
                index.append(code, len, tail, b);
                tail += total;
                if (data != null) {
                    data.position(data.position() + b * len);
                }
                done += b;
                dirty = true;
            }
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    @Override
    public void sync() throws IOException {
        open();
        if (broken) {
            throw new IOException(file + ": an earlier write failed; load the cartridge again");
        }
        if (!writable || !dirty) {
            return;
        }
        try {
            long fullSize = Index.CHECKPOINT_HEAD + (long) Index.EXTENT * index.extents();
            ByteBuffer p = checkpoint == 0 || chain >= CHAIN || fullSize <= SMALL_INDEX ? null
                    : index.checkpoint(checkpoint, committedObjects);
            boolean full = p == null || deltaBytes + p.remaining() >= fullSize;
            if (full) {
                p = index.checkpoint(0, 0);
            }
            int size = p.remaining();
            long at = tail;
            writeCheckpoint(p, generation, at);
            ch.force(false);
            commit(generation, index.objects(), at, at + Records.HEADER + size);
            tail = at + Records.HEADER + size;
            chain = full ? 0 : chain + 1;
            deltaBytes = full ? 0 : deltaBytes + size;
            dirty = false;
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    /** Sets or clears the write-protect flag (committed at once). */
    void protect(boolean on) throws IOException {
        open();
        if (!writable) {
            throw new IllegalStateException(file + " is a read-only file");
        }
        sync();
        protectFlag = on;
        commit(generation, committedObjects, checkpoint, rollFrom);
    }

    private void writeCheckpoint(ByteBuffer payload, long gen, long at) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(Records.HEADER);
        Records.header(h, Records.CHECKPOINT, gen, index.objects(), payload.remaining(), payload, crc);
        ch.position(at);
        ByteBuffer[] srcs = {h.flip(), payload.duplicate()};
        long total = Records.HEADER + (long) payload.remaining();
        for (long w = 0; w < total;) {
            w += ch.write(srcs);
        }
    }

    private void commit(long gen, long objects, long cp, long from) throws IOException {
        Slot s = new Slot(sequence + 1, gen, objects, cp, from, protectFlag);
        writeFully(ch, s.encode(), Slot.offset(s.sequence()));
        ch.force(true);
        sequence = s.sequence();
        generation = gen;
        committedObjects = objects;
        checkpoint = cp;
        rollFrom = from;
    }

    private void open() throws IOException {
        if (closed) {
            throw new IOException(file + " is closed");
        }
    }

    private void writeCheck() throws IOException {
        open();
        if (writeProtected()) {
            throw new IllegalStateException(file + " is write-protected");
        }
        if (broken) {
            throw new IOException(file + ": an earlier write failed; load the cartridge again");
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (writable && !broken) {
                sync();
            }
        } finally {
            closed = true;
            ch.close();
        }
    }

    /** @return extents in the index (tests: the index does not grow per block) */
    int extents() {
        return index.extents();
    }

    @Override
    public String toString() {
        return "tape image " + file + " (" + index.objects() + " objects, " + used() + " of " + capacity()
                + " bytes)";
    }

    static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new EOFException("end of file at " + pos);
            }
            pos += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }
}
