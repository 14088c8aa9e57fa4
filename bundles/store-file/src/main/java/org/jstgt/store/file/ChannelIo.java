package org.jstgt.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Positional reads, writes and data syncs on the store's channel, whichever thread runs them (the
 * file I/O threads, or the caller for {@link InlineIo}). Positional I/O on one channel is safe from
 * many threads at once.
 */
final class ChannelIo {
    private static final byte[] ZEROS = new byte[8192];

    private final FileChannel channel;
    private final AtomicLong forces;
    private final Syncs syncs;
    private final SyncFailure failure;

    /**
     * @param forces counts the data syncs
     * @param syncs how data is synced
     * @param failure the store's failed sync, recorded and honoured here
     */
    ChannelIo(FileChannel channel, AtomicLong forces, Syncs syncs, SyncFailure failure) {
        this.channel = channel;
        this.forces = forces;
        this.syncs = syncs;
        this.failure = failure;
    }

    FileChannel channel() {
        return channel;
    }

    /** Fills {@code dst} from {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                // The file was cut short behind our back (truncate by another tool); within
                // size() the missing tail reads as zeros, as a hole would.
                while (dst.hasRemaining()) {
                    dst.put(ZEROS, 0, Math.min(ZEROS.length, dst.remaining()));
                }
                return;
            }
            pos += n;
        }
    }

    /** Writes all of {@code in} at {@code offset}, then syncs the data when {@code fua}. */
    void write(long offset, ByteBuffer in, boolean fua) throws IOException {
        long pos = offset;
        try {
            while (in.hasRemaining()) {
                pos += channel.write(in, pos);
            }
        } catch (IOException e) {
            throw NoSpace.classify(e, "write at offset " + pos);
        }
        if (fua) {
            force();
        }
    }

    /** A data sync: a failure is recorded (and fails every later one); see {@link SyncFailure}. */
    void force() throws IOException {
        try {
            syncs.data(channel);
        } catch (IOException e) {
            throw failure.record(e);
        }
        failure.afterSuccess();
        forces.incrementAndGet();
    }
}
