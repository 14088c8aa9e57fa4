package org.jstgt.api.store;

import java.io.IOException;

/** The access checks every {@link BackingStore} makes before an operation, with one wording. */
public final class StoreAccess {
    private StoreAccess() {
    }

    /**
     * @param name the store's name for the message (path or LUN name)
     * @param closed whether the store is closed
     * @param readOnly whether the store refuses writes
     * @param size the store size in bytes
     * @param offset first byte of the operation
     * @param length byte count of the operation
     * @param write true for operations that change data (write, unmap)
     * @return the failure to complete the operation with, or null when it may proceed
     */
    public static IOException check(String name, boolean closed, boolean readOnly, long size, long offset,
            long length, boolean write) {
        if (closed) {
            return new IOException(name + ": store closed");
        }
        if (write && readOnly) {
            return new IOException(name + ": store is read-only");
        }
        if (offset < 0 || length < 0 || offset > size - length) {
            return new IOException(name + ": range " + offset + "+" + length + " outside 0.." + size);
        }
        return null;
    }
}
