package org.jstgt.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;

import org.jstgt.api.store.BackingStore;
import org.jstgt.api.store.NoSpaceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thin store on a file system that fills up: the write that finds no space fails with {@link
 * NoSpaceException} (a disk answers SPACE ALLOCATION FAILED WRITE PROTECT, not MEDIUM ERROR) on
 * every path a write takes: inline on tmpfs, the file I/O threads, and the loop's io_uring; the
 * data written before stays readable. Needs root, to mount a tmpfs of 1 MiB: skipped otherwise.
 */
class FileStoreNoSpaceTest {
    private static final int KIB = 1024;
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FileStoreProvider provider = new FileStoreProvider(2, 1024);
    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount");
        mount = Files.createDirectories(dir.resolve("small"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "jstgt-test", mount.toString());
        assumeTrue(mounted, "mount -t tmpfs");
    }

    @AfterEach
    void unmount() throws Exception {
        provider.close();
        if (mounted && !run("umount", mount.toString())) {
            throw new IOException("umount " + mount + " failed");
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /**
     * Writes {@code chunk} bytes at a time from offset 0 until a write fails; that failure must be
     * no space, after at most the file system's 1 MiB, and what was written before reads back.
     */
    private static Throwable fillsUpWithNoSpace(BackingStore s, int chunk, Writer writer) {
        byte[] data = new byte[chunk];
        long at = 0;
        Throwable failure = null;
        for (int i = 0; failure == null; i++) {
            java.util.Arrays.fill(data, (byte) (i + 1));
            long offset = at;
            try {
                writer.write(s, offset, data).toCompletableFuture().join();
                at += chunk;
            } catch (CompletionException e) {
                failure = e.getCause();
            }
            assertTrue(at <= 2 * MIB, "still writing at " + at + " on a file system of 1 MiB");
        }
        Throwable seen = failure;
        assertInstanceOf(NoSpaceException.class, seen, () -> "no space, not " + seen);
        assertTrue(at > 0, "the first write fits");
        byte[] first = new byte[chunk];
        java.util.Arrays.fill(first, (byte) 1);
        assertArrayEquals(first, FileStoreTest.read(s, 0, chunk), "written before it filled up");
        return seen;
    }

    @FunctionalInterface
    interface Writer {
        CompletionStage<Void> write(BackingStore s, long offset, byte[] data);
    }

    private static CompletionStage<Void> direct(BackingStore s, long offset, byte[] data,
            java.util.concurrent.Executor completion) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length);
        b.put(data).flip();
        return s.write(offset, b, false, completion);
    }

    @Test
    void inlineWritesOnTmpfsFailWithNoSpace() throws Exception {
        try (BackingStore s = provider.open(FileStoreTest.spec("n0", mount.resolve("inline.img"), 8 * MIB, false))) {
            fillsUpWithNoSpace(s, 64 * KIB, (st, off, d) -> direct(st, off, d, Runnable::run));
        }
    }

    @Test
    void writesOnTheIoThreadsFailWithNoSpace() throws Exception {
        try (BackingStore s = provider.open(FileStoreTest.spec("n1", mount.resolve("pool.img"), 8 * MIB, false,
                FileStoreProvider.INLINE, "false"))) {
            Throwable t = fillsUpWithNoSpace(s, 64 * KIB, (st, off, d) -> direct(st, off, d, Runnable::run));
            assertTrue(t.getMessage().contains("No space left on device"), "the JDK's words: " + t.getMessage());
        }
    }

    @Test
    void writesThroughTheLoopsRingFailWithNoSpace() throws Exception {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring not available: " + IoUring.unavailabilityCause());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        EventLoop loop = group.next();
        try (BackingStore s = provider.open(FileStoreTest.spec("n2", mount.resolve("ring.img"), 8 * MIB, false,
                FileStoreProvider.INLINE, "false"))) {
            Throwable t = fillsUpWithNoSpace(s, 64 * KIB, (st, off, d) -> onLoop(loop, () -> direct(st, off, d, loop)));
            assertTrue(t.getMessage().contains("ENOSPC"), "the ring's error number: " + t.getMessage());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static CompletionStage<Void> onLoop(EventLoop loop, Supplier<CompletionStage<Void>> call) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        loop.execute(() -> call.get().whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(v);
            }
        }));
        return result.orTimeout(10, TimeUnit.SECONDS);
    }

    @Test
    void aWriteErrorThatIsNotNoSpaceStaysAnIoException() {
        IOException eio = new IOException("Input/output error");
        assertTrue(NoSpace.classify(eio, "write at offset 0") == eio);
        IOException full = NoSpace.classify(new IOException("No space left on device"), "write at offset 512");
        assertInstanceOf(NoSpaceException.class, full);
        assertTrue(full.getMessage().contains("write at offset 512"), full.getMessage());
        assertThrows(NoSpaceException.class, () -> {
            throw NoSpace.classify(new IOException("Disk quota exceeded"), "write");
        });
    }
}
