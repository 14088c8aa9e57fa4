package org.jstgt.device.tape.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A file in memory that logs every write, truncation and force, so that a test can build the file
 * a crash at any step would leave: what was forced, plus any subset of the later writes, the last
 * of them torn at any byte. Writes beyond {@link #failAfter} bytes fail half-done with an
 * IOException, as a full disk does.
 */
final class MemChannel extends FileChannel {
    /** One logged operation: a write (data != null), a truncation (data == null, size), or a force. */
    record Op(long pos, byte[] data, long size, boolean force) {
        boolean write() {
            return data != null;
        }
    }

    private byte[] bytes;
    private long size;
    private long position;
    final List<Op> log = new ArrayList<>();
    long failAfter = Long.MAX_VALUE;
    private long written;

    MemChannel(byte[] initial) {
        bytes = initial.clone();
        size = initial.length;
    }

    /** @return the file as the live process sees it */
    byte[] contents() {
        return Arrays.copyOf(bytes, (int) size);
    }

    /** @return the index after the last force before log entry {@code op}, 0 when none */
    int durableUpTo(int op) {
        for (int i = op - 1; i >= 0; i--) {
            if (log.get(i).force()) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * The file left by a crash during log entry {@code op}.
     *
     * @param initial the file before the log began
     * @param op the entry being written when the power failed
     * @param torn how many of its bytes reached the disk
     * @param keep which of the unforced entries before it reached the disk (null: all), by random choice
     */
    byte[] crashImage(byte[] initial, int op, int torn, Random keep) {
        MemChannel c = new MemChannel(initial);
        int durable = durableUpTo(op);
        for (int i = 0; i < op; i++) {
            Op o = log.get(i);
            if (i < durable || keep == null || keep.nextBoolean()) {
                c.apply(o, Integer.MAX_VALUE);
            }
        }
        if (op < log.size()) {
            c.apply(log.get(op), torn);
        }
        return c.contents();
    }

    private void apply(Op o, int limit) {
        if (o.write()) {
            put(o.pos(), o.data(), Math.min(limit, o.data().length));
        } else if (!o.force() && limit > 0) {
            size = Math.min(size, o.size());
        }
    }

    private void put(long pos, byte[] data, int n) {
        long end = pos + n;
        if (end > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.max(end, bytes.length * 2L));
        }
        if (pos > size) {
            Arrays.fill(bytes, (int) size, (int) pos, (byte) 0);
        }
        System.arraycopy(data, 0, bytes, (int) pos, n);
        size = Math.max(size, end);
    }

    private int logWrite(long pos, byte[] data) throws IOException {
        if (written + data.length > failAfter) {
            int n = (int) Math.max(0, failAfter - written);
            written += n;
            byte[] part = Arrays.copyOf(data, n);
            log.add(new Op(pos, part, 0, false));
            put(pos, part, n);
            throw new IOException("simulated: no space left on device");
        }
        log.add(new Op(pos, data, 0, false));
        put(pos, data, data.length);
        written += data.length;
        return data.length;
    }

    @Override
    public int read(ByteBuffer dst, long pos) {
        if (pos >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - pos);
        dst.put(bytes, (int) pos, n);
        return n;
    }

    @Override
    public int read(ByteBuffer dst) {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src, long pos) throws IOException {
        byte[] data = new byte[src.remaining()];
        src.get(data);
        return logWrite(pos, data);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = write(src, position);
        position += n;
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        int total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += srcs[i].remaining();
        }
        byte[] data = new byte[total];
        ByteBuffer all = ByteBuffer.wrap(data);
        for (int i = offset; i < offset + length; i++) {
            all.put(srcs[i]);
        }
        int n = logWrite(position, data);
        position += n;
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public FileChannel truncate(long newSize) {
        log.add(new Op(0, null, newSize, false));
        size = Math.min(size, newSize);
        return this;
    }

    @Override
    public void force(boolean metaData) {
        log.add(new Op(0, null, 0, true));
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long sz) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long pos, long sz, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long pos, long sz, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() {
    }
}
