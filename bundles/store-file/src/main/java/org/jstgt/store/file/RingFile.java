package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoOps;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.PlatformDependent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file's reads, writes and syncs submitted to the io_uring of the Netty event loop that asks,
 * so they complete on that same thread: no hand-off to an I/O thread and back. The kernel still
 * runs an operation that would block (a page-cache miss) on its own workers, so the loop never
 * waits for the disk.
 *
 * <p>The file gets a second descriptor, opened through the ring ({@code IORING_OP_OPENAT}) the
 * first time a loop asks; until that completes, and whenever a call does not come from an io_uring
 * loop or its buffer is not direct, {@code read}/{@code write}/{@code sync} return null and the
 * caller uses its thread pool. Each loop gets its own {@link LoopFile} (registration and table of
 * operations), touched only on that loop's thread.
 *
 * <p>Only {@link Rings} names this class, after checking that the Netty io_uring classes load.
 */
final class RingFile {
    private static final Logger LOG = LoggerFactory.getLogger(RingFile.class);

    // <linux/io_uring.h>, <fcntl.h> (x86_64 and aarch64 agree on these)
    private static final byte OP_FSYNC = 3;
    private static final byte OP_OPENAT = 18;
    private static final byte OP_READ = 22;
    private static final byte OP_WRITE = 23;
    private static final int FSYNC_DATASYNC = 1;
    private static final int AT_FDCWD = -100;
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    /** Operations in flight per file and loop: the ring's 16-bit user data names the slot. */
    static final int MAX_OPS = Short.MAX_VALUE + 1;

    private static final int NEW = 0;
    private static final int OPENING = 1;
    private static final int OPEN = 2;
    private static final int FAILED = 3;
    private static final int CLOSED = 4;

    private final Path path;
    private final Object fileKey;
    private final boolean readOnly;
    private final ByteBuffer pathBytes;
    private final AtomicInteger state = new AtomicInteger(NEW);
    /** The ring's descriptor, or -1; whoever swaps a descriptor out of here closes it. */
    private final AtomicInteger fd = new AtomicInteger(-1);
    private final Map<EventExecutor, LoopFile> loops = new ConcurrentHashMap<>();

    RingFile(Path path, Object fileKey, boolean readOnly) {
        this.path = path;
        this.fileKey = fileKey;
        this.readOnly = readOnly;
        byte[] name = path.toString().getBytes(fileNameCharset());
        pathBytes = ByteBuffer.allocateDirect(name.length + 1).put(name).put((byte) 0);
    }

    /** @return true when the io_uring native transport loads on this machine */
    static boolean available() {
        return IoUring.isAvailable();
    }

    /**
     * Reads into {@code dst} (position to limit) at {@code offset}; bytes beyond the end of a file
     * cut short behind our back read as zeros.
     *
     * @param caller the executor the caller named for completion: the ring is used only when it
     *     is an io_uring event loop and the call runs on it
     * @param done called once when the operation ends (either way), on the loop thread, before the
     *     stage completes
     * @return the stage, or null when the caller must do the read itself
     */
    CompletableFuture<Void> read(long offset, ByteBuffer dst, Executor caller, Done done) {
        LoopFile lf = loopFile(dst, caller);
        return lf == null ? null : lf.start(OP_READ, offset, dst, false, done);
    }

    /** Like {@link #read}, for a write; {@code fua} adds a data sync before completion. */
    CompletableFuture<Void> write(long offset, ByteBuffer src, boolean fua, Executor caller, Done done) {
        LoopFile lf = loopFile(src, caller);
        return lf == null ? null : lf.start(OP_WRITE, offset, src, fua, done);
    }

    /** A data sync (fdatasync) through the ring, or null when the caller must do it. */
    CompletableFuture<Void> sync(Executor caller, Done done) {
        LoopFile lf = loopFile(null, caller);
        return lf == null ? null : lf.start(OP_FSYNC, 0, null, true, done);
    }

    /** Called once per operation, before its stage completes. */
    @FunctionalInterface
    interface Done {
        void finished(boolean forced);
    }

    /**
     * Unregisters from every loop and closes the ring's descriptor. Call only when the file itself
     * is closed (its lock released): closing any descriptor of a file drops the process's POSIX
     * locks on it. Its stores' operations have drained by then; one still in flight keeps the file
     * open in the kernel until it ends, but may fail.
     */
    void close() {
        state.set(CLOSED);
        for (LoopFile lf : loops.values()) {
            lf.registration.cancel();
        }
        loops.clear();
        int f = fd.getAndSet(-1);
        if (f >= 0) {
            closeQuietly(f);
        }
    }

    private LoopFile loopFile(ByteBuffer buffer, Executor caller) {
        if (buffer != null && !buffer.isDirect()) {
            return null;
        }
        int s = state.get();
        if (s == FAILED || s == CLOSED) {
            return null;
        }
        if (!(caller instanceof IoEventLoop loop) || !loop.inEventLoop()) {
            return null;
        }
        LoopFile lf = loops.get(loop);
        if (lf == null) {
            if (!loop.isCompatible(LoopFile.class)) {
                return null;
            }
            lf = register(loop);
            if (lf == null) {
                return null;
            }
        }
        if (s == OPEN) {
            return lf;
        }
        if (s == NEW && state.compareAndSet(NEW, OPENING)) {
            lf.openFile();
        }
        return null;
    }

    private LoopFile register(IoEventLoop loop) {
        LoopFile lf = new LoopFile(loop);
        Future<IoRegistration> f = loop.register(lf);
        if (!f.isSuccess()) {
            // registering from the loop itself completes at once; anything else is a refusal
            if (f.isDone()) {
                LOG.debug("{}: io_uring registration refused: {}", path, f.cause());
            }
            return null;
        }
        lf.registration = f.getNow();
        if (state.get() == CLOSED) {
            lf.registration.cancel();
            return null;
        }
        loops.put(loop, lf);
        return lf;
    }

    private void opened(int res) {
        if (res < 0) {
            state.compareAndSet(OPENING, FAILED);
            LOG.warn("{}: cannot open through io_uring ({}); its I/O stays on the file I/O threads", path,
                    Errno.describe(-res));
            return;
        }
        Boolean same = sameFile(res);
        if (same == null || !same) {
            if (same == null) {
                // Cannot tell: keep the descriptor unused until the file closes, since closing a
                // descriptor of the locked file here would drop its locks.
                fd.set(res);
                LOG.warn("{}: cannot check that io_uring opened the same file as this LUN; its I/O stays on the "
                        + "file I/O threads", path);
            } else {
                // Another file (replaced or renamed since, or a device node renumbered): closing
                // this descriptor leaves the locks on the LUN's file alone.
                closeQuietly(res);
                LOG.warn("{} now names another file than the one this LUN opened; its I/O stays on the file I/O "
                        + "threads, on the file it opened", path);
            }
            if (!state.compareAndSet(OPENING, FAILED)) {
                closeIfClosed();
            }
            return;
        }
        fd.set(res);
        if (!state.compareAndSet(OPENING, OPEN)) {
            closeIfClosed();
        }
    }

    /** The file was closed while the ring's open was under way: close ours too (safe now). */
    private void closeIfClosed() {
        int f = fd.getAndSet(-1);
        if (f >= 0) {
            closeQuietly(f);
        }
    }

    /**
     * @return whether descriptor {@code fd} refers to the device and inode the LUN opened, or null
     *     when that cannot be told
     */
    private Boolean sameFile(int fd) {
        Object key;
        try {
            // /proc/self/fd/N leads to the open file itself, not to whatever its path names now
            key = Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class).fileKey();
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: cannot check the io_uring descriptor: {}", path, e.toString());
            return null;
        }
        return fileKey == null || key == null ? null : fileKey.equals(key);
    }

    private void closeQuietly(int f) {
        try {
            new FileDescriptor(f).close();
        } catch (IOException e) {
            LOG.debug("{}: closing the io_uring descriptor: {}", path, e.getMessage());
        }
    }

    /** The charset the JVM uses for file names (what the kernel gets for a path). */
    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** One operation in flight: a slot of a {@link LoopFile}, reused. */
    private static final class Op {
        byte opcode;
        long position;
        long address;
        int remaining;
        ByteBuffer buffer;
        boolean fua;
        boolean synced;
        Done done;
        CompletableFuture<Void> stage;
        int next = -1;
        final int index;

        Op(int index) {
            this.index = index;
        }
    }

    /** The file on one loop: its registration and the operations in flight there (loop thread only). */
    private final class LoopFile implements IoUringIoHandle {
        private final IoEventLoop loop;
        IoRegistration registration;
        private Op[] ops = new Op[16];
        private int free = -1;
        private int used;

        LoopFile(IoEventLoop loop) {
            this.loop = loop;
        }

        void openFile() {
            Op op = slot();
            if (op == null) {
                state.compareAndSet(OPENING, NEW);
                return;
            }
            op.opcode = OP_OPENAT;
            if (!submit(op, new IoUringIoOps(OP_OPENAT, (byte) 0, (short) 0, AT_FDCWD, 0L,
                    PlatformDependent.directBufferAddress(pathBytes), 0, (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC,
                    (short) op.index, (short) 0, (short) 0, 0, 0L))) {
                release(op);
                state.compareAndSet(OPENING, NEW);
            }
        }

        CompletableFuture<Void> start(byte opcode, long position, ByteBuffer buffer, boolean fua, Done done) {
            Op op = slot();
            if (op == null) {
                return null;
            }
            op.opcode = opcode;
            op.position = position;
            op.buffer = buffer;
            op.address = buffer == null ? 0 : PlatformDependent.directBufferAddress(buffer) + buffer.position();
            op.remaining = buffer == null ? 0 : buffer.remaining();
            op.fua = fua;
            op.synced = false;
            op.done = done;
            op.stage = new CompletableFuture<>();
            CompletableFuture<Void> stage = op.stage;
            if (!next(op)) {
                release(op);
                return null;
            }
            return stage;
        }

        /** Submits the op's next step: the (rest of the) transfer, or the sync after it. */
        private boolean next(Op op) {
            int f = fd.get();
            if (f < 0) {
                return false;
            }
            if (op.opcode == OP_FSYNC || (op.remaining == 0 && op.fua)) {
                return submit(op, new IoUringIoOps(OP_FSYNC, (byte) 0, (short) 0, f, 0L, 0L, 0, FSYNC_DATASYNC,
                        (short) op.index, (short) 0, (short) 0, 0, 0L));
            }
            return submit(op, new IoUringIoOps(op.opcode, (byte) 0, (short) 0, f, op.position, op.address,
                    op.remaining, 0, (short) op.index, (short) 0, (short) 0, 0, 0L));
        }

        private boolean submit(Op op, IoUringIoOps sqe) {
            return registration.submit(sqe) != 0;
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            IoUringIoEvent e = (IoUringIoEvent) event;
            int i = e.data() & 0xFFFF;
            Op op = i < ops.length ? ops[i] : null;
            if (op == null || (op.stage == null && op.opcode != OP_OPENAT)) {
                LOG.warn("{}: io_uring completion for unknown operation {}", path, i);
                return;
            }
            int res = e.res();
            if (op.opcode == OP_OPENAT) {
                release(op);
                opened(res);
                return;
            }
            if (res < 0) {
                String what = e.opcode() == OP_FSYNC ? "sync" : op.opcode == OP_READ ? "read" : "write";
                fail(op, new IOException(path + ": " + what + " at offset " + op.position + " failed: "
                        + Errno.describe(-res)));
                return;
            }
            if (e.opcode() == OP_FSYNC) {
                op.synced = true;
                op.remaining = 0;
                op.fua = false;
            } else if (res == 0) {
                if (op.opcode == OP_READ) {
                    zeroRest(op);
                } else {
                    fail(op, new IOException(path + ": write at offset " + op.position + " wrote nothing"));
                    return;
                }
            } else {
                op.position += res;
                op.address += res;
                op.remaining -= res;
            }
            if (op.remaining > 0 || op.fua) {
                if (!next(op)) {
                    fail(op, new IOException(path + ": io_uring closed during the operation"));
                }
                return;
            }
            Done done = op.done;
            CompletableFuture<Void> stage = op.stage;
            boolean forced = op.synced;
            release(op);
            done.finished(forced);
            stage.complete(null);
        }

        private void zeroRest(Op op) {
            ByteBuffer b = op.buffer;
            int from = (int) (op.address - PlatformDependent.directBufferAddress(b));
            int end = from + op.remaining;
            for (int p = from; p < end; p++) {
                b.put(p, (byte) 0);
            }
            op.remaining = 0;
        }

        private void fail(Op op, IOException e) {
            Done done = op.done;
            CompletableFuture<Void> stage = op.stage;
            release(op);
            done.finished(false);
            stage.completeExceptionally(e);
        }

        private Op slot() {
            if (free >= 0) {
                Op op = ops[free];
                free = op.next;
                op.next = -1;
                return op;
            }
            if (used == ops.length) {
                if (used == MAX_OPS) {
                    return null;
                }
                ops = java.util.Arrays.copyOf(ops, Math.min(MAX_OPS, used * 2));
            }
            Op op = new Op(used);
            ops[used++] = op;
            return op;
        }

        private void release(Op op) {
            op.buffer = null;
            op.done = null;
            op.stage = null;
            op.next = free;
            free = op.index;
        }

        @Override
        public void close() {
            // the loop is shutting down: later calls from it take the thread pool
            loops.remove(loop, this);
            registration.cancel();
        }
    }
}
