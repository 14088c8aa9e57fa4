package org.jstgt.benchmarks.mcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The SBC-4 CDBs byte for byte, against examples laid out by hand from the standard's tables. */
class SbcCdbsTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void compareAndWriteOfOneBlock() {
        // SBC-4 §5.3: 89h, flags 0, LBA in 2-9, reserved 10-12, NUMBER OF LOGICAL BLOCKS 13, group 14, control 15
        assertArrayEquals(bytes(0x89, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0, 0, 0, 0x01, 0, 0),
                SbcCdbs.compareAndWrite(0x0102030405060708L, 1));
        assertArrayEquals(bytes(0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0x1f, 0, 0, 0, 0xff, 0, 0),
                SbcCdbs.compareAndWrite(31, 255));
    }

    @Test
    void compareAndWriteCountIsOneByte() {
        assertThrows(IllegalArgumentException.class, () -> SbcCdbs.compareAndWrite(0, 0));
        assertThrows(IllegalArgumentException.class, () -> SbcCdbs.compareAndWrite(0, 256));
    }

    @Test
    void writeSame16WithAndWithoutUnmap() {
        // SBC-4 §5.46: 93h, byte 1 bit 3 UNMAP, LBA 2-9, NUMBER OF LOGICAL BLOCKS 10-13; 1 MiB of 512-byte blocks
        assertArrayEquals(bytes(0x93, 0x08, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0, 0x08, 0x00, 0, 0),
                SbcCdbs.writeSame16(0x1000, 2048, true));
        assertArrayEquals(bytes(0x93, 0, 0, 0, 0, 0x01, 0, 0, 0, 0x00, 0x00, 0x01, 0x00, 0x00, 0, 0),
                SbcCdbs.writeSame16(0x100000000L, 65536, false));
        assertThrows(IllegalArgumentException.class, () -> SbcCdbs.writeSame16(0, 0, false));
    }

    @Test
    void unmapCdbAndOneRange() {
        // SBC-4 §5.32: 42h, ANCHOR 0, reserved 2-5, group 6, PARAMETER LIST LENGTH 7-8, control 9
        assertArrayEquals(bytes(0x42, 0, 0, 0, 0, 0, 0, 0, 0x18, 0), SbcCdbs.unmap(24));
        // §5.32.2: UNMAP DATA LENGTH (n - 1) 22, BLOCK DESCRIPTOR DATA LENGTH 16, 4 reserved; LBA, count, 4 reserved
        assertArrayEquals(bytes(0, 0x16, 0, 0x10, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0x08, 0x00, 0, 0, 0x08, 0x00, 0, 0, 0, 0), SbcCdbs.unmapOneRange(0x800, 2048));
    }
}
