package org.jstgt.store.file.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void namesKnownNumbersAndNumbersTheRest() {
        assertEquals("EIO (input/output error)", Errno.describe(5));
        assertEquals("ENOSPC (no space left on device)", Errno.describe(28));
        assertEquals("errno 117", Errno.describe(117));
        assertEquals("errno 9999", Errno.describe(9999));
    }

    @Test
    void failureNamesWhatFailedAndWhy() {
        assertEquals("/x: read at offset 4096 failed: EIO (input/output error)",
                Errno.failed("/x: read at offset 4096", 5).getMessage());
    }
}
