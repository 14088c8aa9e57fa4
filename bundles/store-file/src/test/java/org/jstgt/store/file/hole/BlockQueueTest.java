package org.jstgt.store.file.hole;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BlockQueueTest {

    /** glibc's makedev(3) packing, the other way round: small and large minors and majors. */
    @Test
    void deviceNumbersSplitAsGlibcPacksThem() {
        assertEquals("8:1", BlockQueue.number(0x801));
        assertEquals("7:0", BlockQueue.number(0x700));
        // makedev(259, 300): minor bits above the low 8 sit at bit 20
        assertEquals("259:300", BlockQueue.number(0x11032cL));
        // makedev(4096, 1): major bits above the low 12 sit at bit 44
        assertEquals("4096:1", BlockQueue.number(1L << 44 | 0x001));
    }
}
