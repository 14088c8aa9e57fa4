package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** RFC 7143 Appendix B.4 (RFC 3720 B.4) CRC32C examples, in wire byte order. */
class Crc32cTest {

    private static String wire(byte[] data) {
        byte[] out = new byte[4];
        Crc32c.put(Crc32c.value(data, 0, data.length), out, 0);
        return HexFormat.of().formatHex(out);
    }

    @Test
    void thirtyTwoZeros() {
        assertEquals("aa36918a", wire(new byte[32]));
    }

    @Test
    void thirtyTwoOnes() {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) 0xff);
        assertEquals("43aba862", wire(b));
    }

    @Test
    void incrementing() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) i;
        }
        assertEquals("4e79dd46", wire(b));
    }

    @Test
    void decrementing() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (31 - i);
        }
        assertEquals("5cdb3f11", wire(b));
    }

    @Test
    void putAndGetAreInverse() {
        byte[] b = new byte[6];
        Crc32c.put(0x12345678, b, 1);
        assertArrayEquals(new byte[] {0, 0x78, 0x56, 0x34, 0x12, 0}, b);
        assertEquals(0x12345678, Crc32c.get(b, 1));
    }
}
