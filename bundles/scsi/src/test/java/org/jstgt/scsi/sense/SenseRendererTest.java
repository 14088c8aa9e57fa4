package org.jstgt.scsi.sense;

import static org.junit.jupiter.api.Assertions.*;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseData;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.junit.jupiter.api.Test;

class SenseRendererTest {

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    @Test
    void fixedWithCdbFieldPointerAndBit() {
        byte[] s = SenseData.fixed(ScsiException.invalidCdbField(1, 3).sense());
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

    /** SSC-3 §4.2.19: a short read of a tape reports ILI and a residual, negative for an overlength block. */
    @Test
    void streamBitsCommandSpecificAndNegativeInformation() {
        Sense tape = Sense.of(SenseKey.NO_SENSE, 0x00, 0x00).withStreamBits(false, false, true).withInformation(-512)
                .withCommandSpecific(0x0A0B0C0DL);
        byte[] f = SenseData.fixed(tape);
        assertEquals(0x80 | 0x70, u8(f, 0), "VALID: a negative residual fits in 4 bytes");
        assertEquals(0x20, u8(f, 2), "ILI, sense key NO SENSE");
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFE, 0x00}, java.util.Arrays.copyOfRange(f, 3, 7));
        assertArrayEquals(new byte[] {0x0A, 0x0B, 0x0C, 0x0D}, java.util.Arrays.copyOfRange(f, 8, 12));
        byte[] d = SenseData.descriptor(Sense.of(SenseKey.MEDIUM_ERROR, 0x00, 0x02).withStreamBits(true, true, false)
                .withCommandSpecific(7));
        // header 8 + command-specific information descriptor 12 + stream commands descriptor 4
        assertEquals(24, d.length);
        assertEquals(16, u8(d, 7), "additional sense length");
        assertEquals(0x01, u8(d, 8), "command-specific information descriptor");
        assertEquals(7, u8(d, 19));
        assertEquals(0x04, u8(d, 20), "stream commands descriptor");
        assertEquals(0x02, u8(d, 21));
        assertEquals(0x80 | 0x40, u8(d, 23), "FILEMARK, EOM");
    }

    /** A device bundle's own code renders like a catalogued one, with a progress indication. */
    @Test
    void openCodesAndProgress() {
        byte[] f = SenseData.fixed(Sense.of(SenseKey.NOT_READY, 0x04, 0x07).withProgress(0x8000));
        assertEquals(0x02, u8(f, 2));
        assertEquals(0x04, u8(f, 12));
        assertEquals(0x07, u8(f, 13));
        assertEquals(0x80, u8(f, 15), "SKSV");
        assertEquals(0x80, u8(f, 16), "progress 50%");
        assertEquals(0x00, u8(f, 17));
        assertTrue(Sense.of(SenseKey.ILLEGAL_REQUEST, 0x24, 0).is(SenseReason.INVALID_FIELD_IN_CDB));
        assertThrows(IllegalArgumentException.class, () -> Sense.of(SenseKey.NOT_READY, 0x100, 0));
    }

    @Test
    void fixedWithParameterListPointerWithoutBit() {
        byte[] s = SenseData.fixed(
                new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(300, -1).sense());
        assertEquals(0x80, u8(s, 15), "SKSV only: C/D 0 (parameter list), BPV 0");
        assertEquals(0x01, u8(s, 16));
        assertEquals(0x2C, u8(s, 17));
        assertEquals(0x26, u8(s, 12));
    }

    @Test
    void fixedWithInformation() {
        byte[] s = SenseData.fixed(new ScsiException(SenseReason.LBA_OUT_OF_RANGE).withInformation(0x01020304L).sense());
        assertEquals(0xF0, u8(s, 0), "VALID set");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, java.util.Arrays.copyOfRange(s, 3, 7));
        assertEquals(0, u8(s, 15), "no field pointer");
    }

    @Test
    void fixedCannotCarryA64BitInformation() {
        byte[] s = SenseData.fixed(new ScsiException(SenseReason.LBA_OUT_OF_RANGE).withInformation(1L << 33).sense());
        assertEquals(0x70, u8(s, 0), "VALID clear");
        assertArrayEquals(new byte[4], java.util.Arrays.copyOfRange(s, 3, 7));
    }

    @Test
    void fieldPointerOnlyForIllegalRequest() {
        byte[] s = SenseData.fixed(new ScsiException(SenseReason.MEDIUM_NOT_PRESENT).inCdb(2, 1).sense());
        assertEquals(0, u8(s, 15));
        assertEquals(0x02, u8(s, 2));
        assertEquals(0x3A, u8(s, 12));
    }

    @Test
    void descriptorWithInformationAndFieldPointer() {
        ScsiException e = ScsiException.invalidCdbField(9, 7).withInformation(0x1122334455667788L);
        byte[] s = SenseData.descriptor(e.sense());
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
