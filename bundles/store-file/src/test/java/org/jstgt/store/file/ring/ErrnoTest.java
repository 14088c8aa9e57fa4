package org.jstgt.store.file.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jstgt.api.store.NoSpaceException;
import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void namesKnownNumbersAndNumbersTheRest() {
        assertEquals("EIO (input/output error)", Errno.describe(5));
        assertEquals("ENOSPC (no space left on device)", Errno.describe(28));
        assertEquals("errno 117", Errno.describe(117));
        assertEquals("errno 9999", Errno.describe(9999));
    }

    /** ENOSPC and EDQUOT are no space, which a disk reports as such, not as a media error. */
    @Test
    void runningOutOfSpaceIsNoSpace() {
        assertInstanceOf(NoSpaceException.class, Errno.failed("/x: write at offset 0", 28));
        assertInstanceOf(NoSpaceException.class, Errno.failed("/x: write at offset 0", 122));
        assertFalse(Errno.failed("/x: write at offset 0", 5) instanceof NoSpaceException);
        assertEquals("/x: write at offset 0 failed: ENOSPC (no space left on device)",
                Errno.failed("/x: write at offset 0", 28).getMessage());
    }

    @Test
    void failureNamesWhatFailedAndWhy() {
        assertEquals("/x: read at offset 4096 failed: EIO (input/output error)",
                Errno.failed("/x: read at offset 4096", 5).getMessage());
    }
}
