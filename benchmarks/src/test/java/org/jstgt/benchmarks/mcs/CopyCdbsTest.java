package org.jstgt.benchmarks.mcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

/** EXTENDED COPY(LID1), its parameter list and the copy manager's answers, against hand-made bytes. */
class CopyCdbsTest {
    private static final byte[] NAA_A = bytes(0x60, 0x01, 0x40, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a);
    private static final byte[] NAA_B = bytes(0x60, 0x01, 0x40, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b);

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void extendedCopyCdb() {
        // SPC-4 §6.4.1: 83h, service action 00h (LID1), reserved 2-9, PARAMETER LIST LENGTH 10-13, reserved, control
        assertArrayEquals(bytes(0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x6c, 0, 0), CopyCdbs.extendedCopy(108));
    }

    @Test
    void receiveCopyOperatingParametersCdb() {
        // SPC-4 §6.23: 84h, service action 03h, reserved 2-9, ALLOCATION LENGTH 10-13, reserved, control
        assertArrayEquals(bytes(0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0),
                CopyCdbs.receiveCopyOperatingParameters(256));
    }

    @Test
    void oneBlockToBlockSegmentBetweenTwoIdentificationDescriptors() {
        byte[] header = bytes(
                0x07, 0x10, // LIST IDENTIFIER 7; LIST ID USAGE 10b (SPC-3: NRCR 1), STR 0, PRIORITY 0
                0x00, 0x40, // CSCD DESCRIPTOR LIST LENGTH: 2 x 32
                0, 0, 0, 0, // reserved
                0, 0, 0, 0x1c, // SEGMENT DESCRIPTOR LIST LENGTH: 28
                0, 0, 0, 0); // INLINE DATA LENGTH
        byte[] cscdHead = bytes(0xe4, 0x00, 0, 0, // E4h, LU ID TYPE 0, NUL 0, PERIPHERAL DEVICE TYPE 0; port 0
                0x01, 0x03, 0x00, 0x10); // CODE SET binary; ASSOCIATION LU, NAA; reserved; DESIGNATOR LENGTH 16
        byte[] cscdTail = bytes(0, 0, 0, 0, // designator padded to byte 27
                0x00, 0x00, 0x02, 0x00); // PAD 0, DISK BLOCK LENGTH 512
        byte[] segment = bytes(0x02, 0x00, 0x00, 0x18, // 02h, DC 0 CAT 0, DESCRIPTOR LENGTH 24
                0x00, 0x00, 0x00, 0x01, // source CSCD 0, destination CSCD 1
                0, 0, 0x20, 0x00, // reserved, NUMBER OF BLOCKS 8192 (4 MiB)
                0, 0, 0, 0, 0, 0x01, 0x00, 0x00, // SOURCE LOGICAL BLOCK ADDRESS 65536
                0, 0, 0, 0, 0, 0x01, 0x00, 0x00); // DESTINATION LOGICAL BLOCK ADDRESS 65536
        byte[] expected = concat(header, cscdHead, NAA_A, cscdTail, cscdHead, NAA_B, cscdTail, segment);
        assertEquals(108, expected.length);
        assertArrayEquals(expected, CopyCdbs.copyParameters(7, NAA_A, NAA_B, 512, 8192, 65536, 65536));
    }

    @Test
    void fieldsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CopyCdbs.copyParameters(0, NAA_A, NAA_B, 512, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> CopyCdbs.copyParameters(1, NAA_A, NAA_B, 512, 65536, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> CopyCdbs.copyParameters(1, new byte[12], NAA_B, 512, 1, 0,
                0));
    }

    @Test
    void naaOfTheLogicalUnitIsFoundAmongOtherDesignators() {
        byte[] page = concat(bytes(0x00, 0x83, 0x00, 0x38),
                bytes(0x02, 0x01, 0x00, 0x0c), "JSTGT   disk".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                bytes(0x61, 0x93, 0x00, 0x10), NAA_B, // NAA, but of the target port (association 01b): not this
                bytes(0x01, 0x03, 0x00, 0x10), NAA_A);
        assertArrayEquals(NAA_A, Designators.naa(page));
        assertNull(Designators.naa(java.util.Arrays.copyOf(page, 40))); // cut short before the LU's NAA
        assertNull(Designators.naa(bytes(0x00, 0x80, 0x00, 0x00)));
    }

    @Test
    void operatingParametersAreRead() {
        byte[] d = new byte[46];
        d[9] = 2; // MAXIMUM CSCD DESCRIPTOR COUNT
        d[11] = 1; // MAXIMUM SEGMENT DESCRIPTOR COUNT
        d[16] = 0x01; // MAXIMUM SEGMENT LENGTH 16 MiB
        d[36] = 4; // MAXIMUM CONCURRENT COPIES
        d[43] = 2;
        d[44] = 0x02;
        d[45] = (byte) 0xe4;
        CopyLimits limits = CopyLimits.parse(d, d.length);
        assertNotNull(limits);
        assertEquals(16L << 20, limits.maxSegmentBytes());
        assertEquals(4, limits.maxConcurrentCopies());
        assertNull(limits.refusal());
        d[45] = (byte) 0xe0;
        assertNotNull(CopyLimits.parse(d, d.length).refusal());
        assertNull(CopyLimits.parse(d, 43));
    }
}
