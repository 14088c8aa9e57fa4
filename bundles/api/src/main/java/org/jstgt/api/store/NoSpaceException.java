package org.jstgt.api.store;

import java.io.IOException;

/**
 * A store call failed because the space under the store ran out: the file system, or the owner's
 * quota, has no room for blocks the call would allocate (ENOSPC, EDQUOT). Not a media error: the
 * data already stored is intact, and the same call may succeed once space is freed. A disk answers
 * it with DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT (27h/07h), the sense SBC-4 gives for
 * a logical unit out of physical resources (§4.7.3, thin provisioning), on which ESXi pauses the
 * virtual machine instead of failing its write and Linux returns ENOSPC instead of EIO.
 */
public class NoSpaceException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, with the store and the offset */
    public NoSpaceException(String message) {
        super(message);
    }

    /**
     * @param message what failed, with the store and the offset
     * @param cause the failure as the system reported it
     */
    public NoSpaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
