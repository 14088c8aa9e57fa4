package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.jstgt.api.scsi.SenseReason;
import org.junit.jupiter.api.Test;

/** READ ELEMENT STATUS (SMC-3 §6.10): pages, descriptors, volume tags, device identifiers, truncation. */
class ElementStatusTest extends ChangerTestBase {

    @Test
    void allElementTypesWithVolumeTags() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        byte[] d = data(u, readElementStatus(0, true, 0, 0xFFFF, false, 0xFFFF));
        assertEquals(616, d.length);
        // header: FIRST ELEMENT ADDRESS REPORTED, NUMBER OF ELEMENTS AVAILABLE, BYTE COUNT OF REPORT AVAILABLE
        assertEquals(TRANSPORT, u16(d, 0));
        assertEquals(12, u16(d, 2));
        assertEquals(608, u24(d, 5));
        // transport page: type 1, PVOLTAG, descriptor length 48, 48 bytes
        assertEquals(1, d[8]);
        assertEquals(0x80, d[9] & 0xFF);
        assertEquals(48, u16(d, 10));
        assertEquals(48, u24(d, 13));
        assertEquals(TRANSPORT, u16(d, 16));
        assertEquals(0, d[18]);
        // import/export page: INENAB, EXENAB, ACCESS, empty: volume tag all zeros
        assertEquals(3, d[64]);
        assertEquals(MAIL1, u16(d, 72));
        assertEquals(0x38, d[74] & 0xFF);
        assertArrayEquals(new byte[36], Arrays.copyOfRange(d, 84, 120));
        // data transfer page: two drives, ACCESS, LU VALID with each drive's LUN
        assertEquals(4, d[120]);
        assertEquals(96, u24(d, 125));
        assertEquals(DRIVE1, u16(d, 128));
        assertEquals(0x08, d[130]);
        assertEquals(0x11, d[134]);
        assertEquals(DRIVE2, u16(d, 176));
        assertEquals(0x12, d[182]);
        // storage page: eight slots, the first three full in barcode order, SVALID 0
        assertEquals(2, d[224]);
        assertEquals(8 * 48, u24(d, 229));
        assertEquals(SLOT1, u16(d, 232));
        assertEquals(0x09, d[234]);
        assertEquals(0, d[241]);
        assertEquals("A01" + " ".repeat(29), ascii(d, 244, 32));
        assertEquals("B02", ascii(d, 232 + 48 + 12, 3));
        assertEquals("C03", ascii(d, 232 + 96 + 12, 3));
        assertEquals(0x08, d[232 + 3 * 48 + 2]);
    }

    @Test
    void withoutVolumeTagsDescriptorsAreSixteenBytes() throws Exception {
        ChangerUnit u = library("A01.tape");
        byte[] d = data(u, readElementStatus(2, false, 0, 0xFFFF, false, 0xFFFF));
        assertEquals(8 + 8 + 8 * 16, d.length);
        assertEquals(0, d[9]);
        assertEquals(16, u16(d, 10));
        assertEquals(SLOT1, u16(d, 16));
        assertEquals(8, u16(d, 2));
    }

    @Test
    void startingAddressAndNumberOfElements() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        byte[] d = data(u, readElementStatus(2, true, SLOT1 + 1, 2, false, 0xFFFF));
        assertEquals(SLOT1 + 1, u16(d, 0));
        assertEquals(2, u16(d, 2));
        assertEquals("B02", ascii(d, 16 + 12, 3));
        assertEquals("C03", ascii(d, 16 + 48 + 12, 3));
        // all types from a drive on: drives then slots
        d = data(u, readElementStatus(0, false, DRIVE2, 3, false, 0xFFFF));
        assertEquals(DRIVE2, u16(d, 0));
        assertEquals(4, d[8]);
        assertEquals(2, d[8 + 8 + 16]);
        // NUMBER OF ELEMENTS 0: the header alone
        d = data(u, readElementStatus(0, false, 0, 0, false, 0xFFFF));
        assertArrayEquals(new byte[8], d);
    }

    @Test
    void allocationLengthTruncatesAndTheHeaderCountsEverything() throws Exception {
        ChangerUnit u = library("A01.tape");
        byte[] d = data(u, readElementStatus(0, true, 0, 0xFFFF, false, 8));
        assertEquals(8, d.length);
        assertEquals(12, u16(d, 2));
        assertEquals(608, u24(d, 5));
        d = data(u, readElementStatus(0, true, 0, 0xFFFF, false, 100));
        assertEquals(100, d.length);
        assertEquals(0, run(u, readElementStatus(0, true, 0, 0xFFFF, false, 0)));
    }

    @Test
    void deviceIdentifiersOfDrives() throws Exception {
        ChangerUnit u = library("A01.tape");
        byte[] d = data(u, readElementStatus(4, true, 0, 0xFFFF, true, 0xFFFF));
        // identifier: vendor (8) + product (16) + serial "SERTAPE0" (8) = 32; descriptor 12 + 36 + 4 + 32
        int length = u16(d, 10);
        assertEquals(84, length);
        int id = 16 + 48;
        assertEquals(2, d[id]);
        assertEquals(1, d[id + 1]);
        assertEquals(32, d[id + 3]);
        assertEquals("JSTGT   VIRTUAL-TAPE    SERTAPE0", ascii(d, id + 4, 32));
        assertEquals("SERTAPE1", ascii(d, id + length + 4 + 24, 8));
        // other element types carry an empty identifier
        d = data(u, readElementStatus(2, false, 0, 1, true, 0xFFFF));
        assertEquals(16, u16(d, 10));
        assertEquals(0, d[16 + 12 + 3]);
    }

    @Test
    void inactiveDriveIsInaccessibleWithAnException() throws Exception {
        ChangerUnit u = library("A01.tape");
        context.units.remove("tape1");
        byte[] d = data(u, readElementStatus(4, false, 0, 0xFFFF, false, 0xFFFF));
        int second = 16 + 16;
        assertEquals(DRIVE2, u16(d, second));
        // ACCESS 0, EXCEPT 1, ASC/ASCQ 04h/00h
        assertEquals(0x04, d[second + 2]);
        assertEquals(0x04, d[second + 4]);
        assertEquals(0x00, d[second + 5]);
        assertEquals(0x08, d[16 + 2]);
    }

    @Test
    void driveLoadedOutsideTheChangerIsFullWithoutTag() throws Exception {
        ChangerUnit u = library("A01.tape");
        drive("tape0").setLoaded("/elsewhere/X.tape");
        byte[] d = data(u, readElementStatus(4, true, 0, 1, false, 0xFFFF));
        assertEquals(0x09, d[16 + 2]);
        assertEquals(" ".repeat(32), ascii(d, 16 + 12, 32));
        assertEquals(0, d[16 + 9]);
    }

    @Test
    void badFields() throws Exception {
        ChangerUnit u = library("A01.tape");
        invalidField(1, 3, () -> run(u, readElementStatus(5, false, 0, 1, false, 255)));
        invalidField(6, 2, () -> run(u, readElementStatus(0, false, 0, 1, false, 255).withCdbByte(6, 0x04)));
        invalidField(10, -1, () -> run(u, readElementStatus(0, false, 0, 1, false, 255).withCdbByte(10, 1)));
        invalidField(11, 0, () -> run(u, readElementStatus(0, false, 0, 1, false, 255).withCdbByte(11, 1)));
        invalidAddress(2, () -> run(u, readElementStatus(2, false, SLOT1 + 8, 1, false, 255)));
        invalidAddress(2, () -> run(u, readElementStatus(1, false, TRANSPORT + 1, 1, false, 255)));
        // CURDATA is fine
        run(u, readElementStatus(0, false, 0, 1, false, 255).withCdbByte(6, 0x02));
    }

    @Test
    void noMailSlotsReportNothingForThatType() throws Exception {
        cartridges("A01.tape");
        ChangerUnit u = unit(props(4, 0, "tape0"), "l");
        byte[] d = data(u, readElementStatus(3, true, 0, 0xFFFF, false, 0xFFFF));
        assertArrayEquals(new byte[8], d);
        expect(SenseReason.INVALID_FIELD_IN_CDB, () -> run(u, readElementStatus(6, false, 0, 1, false, 255)));
    }
}
