package org.jstgt.api.store;

/**
 * A run of bytes of a {@link BackingStore} that share one provisioning state, as
 * {@link BackingStore#extent(long, java.util.concurrent.Executor)} reports it (SBC-4 GET LBA STATUS
 * draws its descriptors from these).
 *
 * @param offset byte offset where the run starts
 * @param length bytes in the run, at least 1
 * @param mapped true when the bytes are allocated in the store; false when deallocated (a hole,
 *     which reads as zeros)
 */
public record StoreExtent(long offset, long length, boolean mapped) {

    public StoreExtent {
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("extent at " + offset + " of " + length + " bytes");
        }
    }
}
