package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;

import org.jstgt.api.scsi.SenseKey;
import org.junit.jupiter.api.Test;

class SenseTest {

    private static byte[] fixed(int key, int asc, int ascq) {
        byte[] s = new byte[18];
        s[0] = (byte) 0xf0; // VALID + current, fixed format
        s[2] = (byte) key;
        s[3] = 0;
        s[4] = 0;
        s[5] = 0x10;
        s[6] = 0x00;
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        s[15] = (byte) 0xc0; // SKSV, C/D = CDB
        s[17] = 2;
        return s;
    }

    @Test
    void parsesFixedFormat() {
        Sense s = Sense.parse(fixed(5, 0x24, 0));
        assertEquals(0x70, s.responseCode());
        assertEquals(SenseKey.ILLEGAL_REQUEST, s.senseKey());
        assertEquals(0x24, s.asc());
        assertEquals(OptionalLong.of(0x1000), s.information());
        assertTrue(s.fieldInCdb());
        assertEquals(2, s.fieldPointer());
    }

    @Test
    void parsesDescriptorFormat() {
        byte[] s = new byte[8 + 12 + 8];
        s[0] = 0x72;
        s[1] = 5;
        s[2] = 0x21;
        s[3] = 0;
        s[7] = 20;
        s[8] = 0; // information descriptor
        s[9] = 0x0a;
        s[10] = (byte) 0x80;
        s[19] = 99;
        s[20] = 2; // sense key specific descriptor
        s[21] = 6;
        s[24] = (byte) 0xc0;
        s[26] = 3;
        Sense p = Sense.parse(s);
        assertEquals(5, p.key());
        assertEquals(0x21, p.asc());
        assertEquals(OptionalLong.of(99), p.information());
        assertEquals(3, p.fieldPointer());
    }

    @Test
    void expectationAcceptsAnyListedQualifier() {
        Sense.Expectation e = Sense.expect(SenseKey.ILLEGAL_REQUEST, 0x21, 0x00, 0x01);
        assertTrue(e.matches(Sense.parse(fixed(5, 0x21, 0x01))));
        assertFalse(e.matches(Sense.parse(fixed(5, 0x21, 0x02))));
        assertFalse(e.matches(Sense.parse(fixed(6, 0x21, 0x00))));
        assertTrue(Sense.RESET_OCCURRED.matches(Sense.parse(fixed(6, 0x29, 0x07))));
    }

    @Test
    void checkRequiresCheckCondition() {
        ScsiReply good = new ScsiReply(0, 0, new byte[0], new byte[0], false, false, 0);
        ScsiReply cc = new ScsiReply(0, 2, fixed(6, 0x3f, 0x0e), new byte[0], false, false, 0);
        assertThrows(AssertionError.class, () -> Sense.REPORTED_LUNS_CHANGED.check(good));
        assertDoesNotThrow(() -> Sense.REPORTED_LUNS_CHANGED.check(cc));
        AssertionError e = assertThrows(AssertionError.class, () -> Sense.LBA_OUT_OF_RANGE.check(cc));
        assertTrue(e.getMessage().contains("ILLEGAL_REQUEST/21h/00h"), e.getMessage());
    }

    @Test
    void rejectsUnknownResponseCode() {
        assertThrows(IllegalArgumentException.class, () -> Sense.parse(new byte[] {0x7f, 0, 0, 0, 0, 0, 0, 0}));
    }
}
