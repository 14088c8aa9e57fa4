package org.jstgt.scsi.sense;

import static org.junit.jupiter.api.Assertions.*;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseReason;
import org.junit.jupiter.api.Test;

class SenseRendererTest {

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    @Test
    void fixedWithCdbFieldPointerAndBit() {
        byte[] s = SenseData.fixed(ScsiException.invalidCdbField(1, 3));
        assertEquals(18, s.length);
        assertEquals(0x70, u8(s, 0), "VALID clear, response code 70h");
        assertEquals(0x05, u8(s, 2), "ILLEGAL REQUEST");
        assertEquals(10, u8(s, 7), "additional sense length");
        assertEquals(0x24, u8(s, 12));
        assertEquals(0x00, u8(s, 13));
        assertEquals(0x80 | 0x40 | 0x08 | 3, u8(s, 15), "SKSV, C/D, BPV, bit pointer 3");
        assertEquals(0, u8(s, 16));
        assertEquals(1, u8(s, 17));
    }

    @Test
    void fixedWithParameterListPointerWithoutBit() {
        byte[] s = SenseData.fixed(
                new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(300, -1));
        assertEquals(0x80, u8(s, 15), "SKSV only: C/D 0 (parameter list), BPV 0");
        assertEquals(0x01, u8(s, 16));
        assertEquals(0x2C, u8(s, 17));
        assertEquals(0x26, u8(s, 12));
    }

    @Test
    void fixedWithInformation() {
        byte[] s = SenseData.fixed(new ScsiException(SenseReason.LBA_OUT_OF_RANGE).withInformation(0x01020304L));
        assertEquals(0xF0, u8(s, 0), "VALID set");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(s, 3, 7));
        assertEquals(0, u8(s, 15), "no field pointer");
    }

    @Test
    void fixedCannotCarryA64BitInformation() {
        byte[] s = SenseData.fixed(new ScsiException(SenseReason.LBA_OUT_OF_RANGE).withInformation(1L << 33));
        assertEquals(0x70, u8(s, 0), "VALID clear");
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(s, 3, 7));
    }

    @Test
    void fieldPointerOnlyForIllegalRequest() {
        byte[] s = SenseData.fixed(new ScsiException(SenseReason.MEDIUM_NOT_PRESENT).inCdb(2, 1));
        assertEquals(0, u8(s, 15));
        assertEquals(0x02, u8(s, 2));
        assertEquals(0x3A, u8(s, 12));
    }

    @Test
    void descriptorWithInformationAndFieldPointer() {
        ScsiException e = ScsiException.invalidCdbField(9, 7).withInformation(0x1122334455667788L);
        byte[] s = SenseData.descriptor(e);
        assertEquals(8 + 12 + 8, s.length);
        assertEquals(0x72, u8(s, 0));
        assertEquals(0x05, u8(s, 1));
        assertEquals(0x24, u8(s, 2));
        assertEquals(0x00, u8(s, 3));
        assertEquals(20, u8(s, 7), "additional sense length");
        // information descriptor
        assertEquals(0x00, u8(s, 8));
        assertEquals(0x0A, u8(s, 9));
        assertEquals(0x80, u8(s, 10));
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88},
                java.util.Arrays.copyOfRange(s, 12, 20));
        // sense key specific descriptor
        assertEquals(0x02, u8(s, 20));
        assertEquals(0x06, u8(s, 21));
        assertEquals(0x80 | 0x40 | 0x08 | 7, u8(s, 24));
        assertEquals(0, u8(s, 25));
        assertEquals(9, u8(s, 26));
    }

    @Test
    void descriptorWithoutExtras() {
        byte[] s = SenseRenderer.render(new ScsiException(SenseReason.REPORTED_LUNS_DATA_HAS_CHANGED),
                SenseFormat.DESCRIPTOR);
        assertArrayEquals(new byte[] {0x72, 0x06, 0x3F, 0x0E, 0, 0, 0, 0}, s);
    }

    @Test
    void formatKey() throws Exception {
        assertEquals(SenseFormat.FIXED, SenseFormat.parse(null));
        assertEquals(SenseFormat.DESCRIPTOR, SenseFormat.parse(" Descriptor "));
        assertEquals("sense.format", assertThrows(ConfigException.class, () -> SenseFormat.parse("x")).key());
    }
}
