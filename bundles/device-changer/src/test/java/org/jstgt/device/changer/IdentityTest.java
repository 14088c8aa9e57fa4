package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** INQUIRY and the mode pages of a changer (SMC-3 §7.3). */
class IdentityTest extends ChangerTestBase {

    @Test
    void inquiryIsAMediumChangerWithRemovableMedia() throws Exception {
        ChangerUnit u = library();
        byte[] d = data(u, FakeScsiTask.of(0x12, 0, 0, 0, 96, 0));
        assertEquals(0x08, d[0]);
        assertEquals(0x80, d[1] & 0xFF);
        assertEquals("VIRTUAL-LIBRARY ", ascii(d, 16, 16));
        // version descriptors: SAM-5, iSCSI, SPC-4, SMC-3
        assertEquals(0x0480, u16(d, 64));
        byte[] serial = data(u, FakeScsiTask.of(0x12, 1, 0x80, 0, 255, 0));
        assertEquals("lib0", ascii(serial, 4, 4));
        byte[] pages = data(u, FakeScsiTask.of(0x12, 1, 0x00, 0, 255, 0));
        assertEquals(0x08, pages[0]);
        invalidField(2, -1, () -> run(u, FakeScsiTask.of(0x12, 1, 0xB0, 0, 255, 0)));
    }

    @Test
    void elementAddressAssignmentPage() throws Exception {
        ChangerUnit u = library();
        byte[] d = data(u, FakeScsiTask.of(0x1A, 0x08, 0x1D, 0, 255, 0));
        assertEquals(4 + 20, d.length);
        assertEquals(0x1D, d[4]);
        assertEquals(0x12, d[5]);
        int[] expected = {TRANSPORT, 1, SLOT1, 8, MAIL1, 1, DRIVE1, 2};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], u16(d, 6 + 2 * i), "field " + i);
        }
    }

    @Test
    void transportGeometryAndDeviceCapabilities() throws Exception {
        ChangerUnit u = library();
        byte[] g = data(u, FakeScsiTask.of(0x5A, 0x08, 0x1E, 0, 0, 0, 0, 0, 255, 0));
        assertEquals(8 + 4, g.length);
        assertArrayEquals(new byte[] {0x1E, 2, 0, 0}, Arrays.copyOfRange(g, 8, 12));
        byte[] c = data(u, FakeScsiTask.of(0x1A, 0, 0x1F, 0, 255, 0));
        assertEquals(0x1F, c[4]);
        assertEquals(0x12, c[5]);
        assertEquals(0x0E, c[6]);
        assertEquals(0, c[8]);
        assertEquals(0x0E, c[9]);
        assertEquals(0x0E, c[10]);
        assertEquals(0x0E, c[11]);
        // EXCHANGE MEDIUM from storage, import/export and data transfer elements
        assertEquals(0, c[16]);
        assertEquals(0x0E, c[17]);
        assertEquals(0x0E, c[19]);
    }

    @Test
    void allPages() throws Exception {
        ChangerUnit u = library();
        byte[] d = data(u, FakeScsiTask.of(0x1A, 0, 0x3F, 0, 255, 0));
        // header 4, Control 12, 1Dh 20, 1Eh 4, 1Fh 20
        assertEquals(4 + 12 + 20 + 4 + 20, d.length);
        assertEquals(d.length - 1, d[0] & 0xFF);
        assertEquals(0x0A, d[4]);
        assertEquals(0x1D, d[16]);
        assertEquals(0x1E, d[36]);
        assertEquals(0x1F, d[40]);
        invalidField(2, 5, () -> run(u, FakeScsiTask.of(0x1A, 0, 0x08, 0, 255, 0)));
        expect(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, () -> run(u, FakeScsiTask.of(0x1A, 0, 0xDD, 0, 255, 0)));
    }

    @Test
    void modeSelectTakesUnchangedPagesOnly() throws Exception {
        ChangerUnit u = library();
        byte[] sense = data(u, FakeScsiTask.of(0x1A, 0x08, 0x1D, 0, 255, 0));
        byte[] list = sense.clone();
        list[0] = 0;
        assertEquals(0, run(u, FakeScsiTask.of(0x15, 0x10, 0, 0, list.length, 0).withDataOut(list)));
        list[4 + 2 + 7] = 9;
        expect(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST,
                () -> run(u, FakeScsiTask.of(0x15, 0x10, 0, 0, list.length, 0).withDataOut(list)));
        invalidField(1, 0, () -> run(u, FakeScsiTask.of(0x15, 0x11, 0, 0, list.length, 0).withDataOut(list)));
    }
}
