package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class PduTest {

    @Test
    void scsiCommandHeaderLayout() {
        // RFC 7143 §11.3: opcode byte 0, flags byte 1, DSL 5-7, LUN 8-15, ITT 16-19, EDTL 20-23,
        // CmdSN 24-27, ExpStatSN 28-31, CDB 32-47
        Pdu p = new Pdu(Pdu.SCSI_COMMAND).immediate(true).flags(0xa1).lun(5).itt(0x01020304)
                .int32(20, 4096).int32(24, 7).int32(28, 9).u8(32, 0x2a).data(new byte[] {1, 2, 3, 4, 5});
        byte[] b = p.encode(false, false);
        assertEquals(48 + 8, b.length, "5 data bytes are padded to 8");
        assertEquals(0x41, b[0] & 0xff);
        assertEquals(0xa1, b[1] & 0xff);
        assertEquals(0, b[4]);
        assertArrayEquals(new byte[] {0, 0, 5}, Arrays.copyOfRange(b, 5, 8));
        assertArrayEquals(new byte[] {0, 5, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(b, 8, 16));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Arrays.copyOfRange(b, 16, 20));
        assertArrayEquals(new byte[] {0, 0, 0x10, 0}, Arrays.copyOfRange(b, 20, 24));
        assertEquals(7, b[27]);
        assertEquals(9, b[31]);
        assertEquals(0x2a, b[32] & 0xff);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0}, Arrays.copyOfRange(b, 48, 56));
    }

    @Test
    void lunAbovePeripheralRangeUsesFlatSpaceAddressing() {
        Pdu p = new Pdu(Pdu.SCSI_COMMAND).lun(0x1234);
        byte[] b = p.encode(false, false);
        assertEquals(0x52, b[8] & 0xff);
        assertEquals(0x34, b[9] & 0xff);
        assertEquals(0x1234, p.lun());
        assertThrows(IllegalArgumentException.class, () -> p.lun(16384));
    }

    @Test
    void roundTripWithDigests() throws Exception {
        byte[] data = new byte[1001];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        Pdu p = new Pdu(Pdu.DATA_IN).flags(0x81).itt(42).int32(40, 512).data(data);
        byte[] wire = p.encode(true, true);
        assertEquals(48 + 4 + 1004 + 4, wire.length);
        assertEquals(Crc32c.value(wire, 0, 48), Crc32c.get(wire, 48), "header digest covers the BHS");
        assertEquals(Crc32c.value(wire, 52, 1004), Crc32c.get(wire, 52 + 1004), "data digest covers the padding");
        Pdu back = Pdu.read(new ByteArrayInputStream(wire), true, true, 8192);
        assertEquals(Pdu.DATA_IN, back.opcode());
        assertEquals(0x81, back.flags());
        assertEquals(42, back.itt());
        assertEquals(512, back.int32(40));
        assertArrayEquals(data, back.data());
    }

    @Test
    void noDataDigestWithoutData() {
        assertEquals(48 + 4, new Pdu(Pdu.NOP_OUT).encode(true, true).length);
    }

    @Test
    void ahsIsCountedInWordsAndCoveredByHeaderDigest() throws Exception {
        Pdu p = new Pdu(Pdu.SCSI_COMMAND).ahs(new byte[] {0, 4, 1, 0, 9, 9, 9, 9});
        byte[] wire = p.encode(true, false);
        assertEquals(2, wire[4]);
        assertEquals(Crc32c.value(wire, 0, 56), Crc32c.get(wire, 56));
        assertArrayEquals(p.ahs(), Pdu.read(new ByteArrayInputStream(wire), true, false, 0).ahs());
    }

    @Test
    void corruptedHeaderOrDataIsDetected() {
        byte[] wire = new Pdu(Pdu.DATA_IN).data(new byte[] {1, 2, 3}).encode(true, true);
        byte[] badHeader = wire.clone();
        badHeader[20] ^= 1;
        IscsiProtocolException e = assertThrows(IscsiProtocolException.class,
                () -> Pdu.read(new ByteArrayInputStream(badHeader), true, true, 8192));
        assertTrue(e.getMessage().contains("header digest"), e.getMessage());
        byte[] badData = wire.clone();
        badData[53] ^= 1;
        e = assertThrows(IscsiProtocolException.class,
                () -> Pdu.read(new ByteArrayInputStream(badData), true, true, 8192));
        assertTrue(e.getMessage().contains("data digest"), e.getMessage());
    }

    @Test
    void oversizedSegmentAndTruncatedStreamFail() {
        byte[] wire = new Pdu(Pdu.DATA_IN).data(new byte[600]).encode(false, false);
        assertThrows(IscsiProtocolException.class, () -> Pdu.read(new ByteArrayInputStream(wire), false, false, 512));
        assertThrows(EOFException.class,
                () -> Pdu.read(new ByteArrayInputStream(Arrays.copyOf(wire, 100)), false, false, 8192));
    }

    @Test
    void opcodeRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Pdu(0x40));
    }
}
