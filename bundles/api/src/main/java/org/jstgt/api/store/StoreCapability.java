package org.jstgt.api.store;

/** Optional abilities of a {@link BackingStore}. */
public enum StoreCapability {
    /** {@link BackingStore#flush()} makes written data durable (a volatile cache exists). */
    FLUSH,
    /** {@link BackingStore#write(long, java.nio.ByteBuffer, boolean)} honours force-unit-access. */
    FUA,
    /** {@link BackingStore#unmap(long, long)} deallocates (thin provisioning). */
    UNMAP
}
