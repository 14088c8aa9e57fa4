package org.jstgt.api.store;

/** Optional abilities of a {@link BackingStore}. */
public enum StoreCapability {
    /**
     * {@link BackingStore#flush(java.util.concurrent.Executor)} makes written data durable (a
     * volatile cache exists).
     */
    FLUSH,
    /**
     * {@link BackingStore#write(long, java.nio.ByteBuffer, boolean, java.util.concurrent.Executor)}
     * honours force-unit-access.
     */
    FUA,
    /**
     * {@link BackingStore#unmap(long, long, java.util.concurrent.Executor)} deallocates (thin
     * provisioning) and later reads of the range return zeros.
     */
    UNMAP,
    /**
     * {@link BackingStore#extent(long, java.util.concurrent.Executor)} reports deallocated ranges
     * (holes) rather than calling everything mapped.
     */
    EXTENTS,
    /**
     * {@link BackingStore#zero(long, long, java.util.concurrent.Executor)} sets a range to zeros
     * without being sent them, and the range stays provisioned as a write would leave it.
     */
    ZERO
}
