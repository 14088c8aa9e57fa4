package org.jstgt.api.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An open backing store: a byte array of fixed {@link #size()}, read and written asynchronously.
 *
 * <p>Calls return quickly: unless {@link #blocks()} is true, a store never blocks the calling
 * thread (which is often a network event loop). Each call names the executor its stage completes
 * on ({@code completion}, the connection's event loop): the stage completes either before the call
 * returns (work that is trivially fast, such as memory) or later on a thread of {@code completion},
 * never on a store thread, so that the caller's continuation runs where the caller lives without a
 * lookup of its own. A store that completes on {@code completion} may also submit its work there
 * (an io_uring store submits to the caller's ring). Completion stages complete exceptionally with
 * an {@link IOException} on media errors, and with a {@link NoSpaceException} when a write,
 * zeroing or unmap needs space the store has run out of. Buffers are borrowed for the duration of
 * the call only: the store must not keep a reference after the returned stage completes.
 */
@ConsumerType
public interface BackingStore extends AutoCloseable {

    /** @return the size in bytes */
    long size();

    /** @return true when writes are refused */
    boolean readOnly();

    /** @return what the store can do beyond read and write */
    Set<StoreCapability> capabilities();

    /**
     * @return true when calls may block the caller; the caller must then invoke the store from a
     *     worker thread rather than an event loop
     */
    default boolean blocks() {
        return false;
    }

    /**
     * Reads {@code dst.remaining()} bytes starting at {@code offset} into {@code dst} (from its
     * position to its limit). Reading a region never written returns zeros.
     *
     * @param offset byte offset, {@code offset + dst.remaining() <= size()}
     * @param dst destination, filled from position to limit; its position is undefined afterwards
     * @param completion where the stage completes (see the class comment)
     * @return completes when the bytes are in {@code dst}
     */
    CompletionStage<Void> read(long offset, ByteBuffer dst, Executor completion);

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}.
     *
     * @param offset byte offset, {@code offset + src.remaining() <= size()}
     * @param src source, read from position to limit
     * @param fua force unit access: complete only when the bytes are durable
     * @param completion where the stage completes (see the class comment)
     * @return completes when the write is done (durable too when {@code fua})
     */
    CompletionStage<Void> write(long offset, ByteBuffer src, boolean fua, Executor completion);

    /**
     * @param completion where the stage completes (see the class comment)
     * @return completes when every completed write before the call is durable
     */
    CompletionStage<Void> flush(Executor completion);

    /**
     * Deallocates a range; later reads of it return zeros.
     *
     * @param offset byte offset
     * @param length byte count
     * @param completion where the stage completes (see the class comment)
     * @return completes when done; fails with {@link UnsupportedOperationException} when the store
     *     lacks {@link StoreCapability#UNMAP}
     */
    default CompletionStage<Void> unmap(long offset, long length, Executor completion) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("unmap"));
    }

    /**
     * Sets a range to zeros without the caller sending them (WRITE SAME of a zero block): the file
     * system or device records the range as zeros (fallocate(2) {@code FALLOC_FL_ZERO_RANGE}, a
     * device's write-zeroes) instead of copying zeros through the page cache. Unlike {@link #unmap}
     * the range stays provisioned: a fully provisioned store keeps its space, and a later write
     * into the range needs none. {@link #extent} may report the range either way, since it reads
     * as zeros.
     *
     * @param offset byte offset
     * @param length byte count
     * @param completion where the stage completes (see the class comment)
     * @return completes when the range reads as zeros; fails with {@link IOException} on a media
     *     error, and with {@link UnsupportedOperationException}, the range untouched, when the store
     *     lacks {@link StoreCapability#ZERO} or finds that its medium cannot after all (it then drops
     *     ZERO from {@link #capabilities()}); the caller writes the zeros then
     */
    default CompletionStage<Void> zero(long offset, long length, Executor completion) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("zero"));
    }

    /**
     * The provisioning state at {@code offset}: the run of bytes starting there that are all
     * allocated or all deallocated. The run may stop early (a store need not look past a bound it
     * chooses) but never claims bytes of the other state. A store that does not deallocate, or
     * cannot tell, reports everything from {@code offset} to the end as mapped, which is true of
     * what it serves.
     *
     * @param offset byte offset, {@code 0 <= offset < size()}
     * @param completion where the stage completes (see the class comment)
     * @return completes with the run starting at {@code offset}
     */
    default CompletionStage<StoreExtent> extent(long offset, Executor completion) {
        long size = size();
        if (offset < 0 || offset >= size) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "offset " + offset + " outside a store of " + size + " bytes"));
        }
        return CompletableFuture.completedFuture(new StoreExtent(offset, size - offset, true));
    }

    /**
     * A read-only view of bytes {@code [offset, offset + length)} of the medium itself, for a store
     * whose medium is memory a transport can send from (a file on tmpfs, mapped): the bytes then go
     * to the network in one copy instead of two (into a buffer of the caller's, then out of it).
     *
     * <p>A view is live: it shows every later write. A caller that must not see a write must be
     * done with the view before that write can start ({@link
     * org.jstgt.api.scsi.ScsiTask#sendDataIn(ByteBuffer)} completes only once the bytes left it).
     * The view stays valid as long as it is referenced, even after {@link #close()}; never write
     * through it. Offering views is optional, and a store may decline any range.
     *
     * @param offset byte offset, {@code offset + length <= size()}
     * @param length byte count, positive
     * @return the view, position 0 and {@code length} bytes remaining; or null when the store has
     *     none for that range (the caller then reads): the default
     */
    default ByteBuffer view(long offset, int length) {
        return null;
    }

    /** @return a short description for listings, e.g. the file path or {@code memory} */
    String describe();

    /** Flushes and releases the store. Idempotent. */
    @Override
    void close() throws IOException;
}
