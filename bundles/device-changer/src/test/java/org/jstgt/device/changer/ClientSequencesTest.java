package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/**
 * The command sequences of Linux's {@code ch} driver (drivers/scsi/ch.c: attach, CHIOMOVE,
 * CHIOEXCHANGE, CHIOPOSITION, CHIOGSTATUS, CHIOGELEM, CHIOINITELEM) and of mtx (status, load,
 * unload, transfer, inventory), with the fields those programs read.
 */
class ClientSequencesTest extends ChangerTestBase {
    /** ch.c writes the changer's LUN (here 3) into byte 1 bits 7-5 of every CDB. */
    private static final int LUN_BITS = 3 << 5;

    /** ch.c's firsts[] and counts[] for MT, ST, IE, DT, as it reads them from page 1Dh. */
    private int[] firsts = new int[4];
    private int[] counts = new int[4];

    private void chReadConfig(ChangerUnit u) throws Exception {
        // MODE SENSE(6), PAGE CODE 1Dh, ALLOCATION LENGTH 255, without DBD first
        byte[] buffer = data(u, FakeScsiTask.of(0x1A, LUN_BITS, 0x1D, 0, 255, 0));
        int at = buffer[3] + 4;
        for (int t = 0; t < 4; t++) {
            firsts[t] = u16(buffer, at + 2 + 4 * t);
            counts[t] = u16(buffer, at + 4 + 4 * t);
        }
    }

    private int typeCode(int elem) {
        for (int t = 0; t < 4; t++) {
            if (elem >= firsts[t] && elem < firsts[t] + counts[t]) {
                return t + 1;
            }
        }
        return 0;
    }

    /** ch_read_element_status: one element, VOLTAG, ALLOCATION LENGTH 255, a 256-byte buffer; the descriptor at 16. */
    private byte[] chReadElementStatus(ChangerUnit u, int elem) throws Exception {
        FakeScsiTask t = FakeScsiTask.of(0xB8, LUN_BITS | 0x10 | typeCode(elem), elem >>> 8, elem, 0, 1, 0, 0, 0, 255,
                0, 0);
        byte[] buffer = data(u, t);
        assertEquals(elem, u16(buffer, 16), "ch.c checks the element it asked for");
        return buffer;
    }

    @Test
    void chAttachAndIoctls() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape");
        chReadConfig(u);
        assertEquals(List.of(TRANSPORT, SLOT1, MAIL1, DRIVE1), List.of(firsts[0], firsts[1], firsts[2], firsts[3]));
        assertEquals(List.of(1, 8, 1, 2), List.of(counts[0], counts[1], counts[2], counts[3]));
        // the data transfer elements: LU VALID (data[6] & 0x30) and the drive's LUN in data[6] & 7
        for (int i = 0; i < counts[3]; i++) {
            byte[] data = chReadElementStatus(u, firsts[3] + i);
            assertEquals(0, data[16 + 6] & 0x80, "on this bus");
            assertTrue((data[16 + 6] & 0x30) != 0);
            assertEquals(i + 1, data[16 + 6] & 7);
        }
        // ch_init_elem
        assertEquals(0, run(u, FakeScsiTask.of(0x07, LUN_BITS, 0, 0, 0, 0)));
        // CHIOMOVE slot 2 -> drive 0 (trans 0 becomes firsts[MT])
        int trans = firsts[0];
        run(u, FakeScsiTask.of(0xA5, LUN_BITS, trans >>> 8, trans, (SLOT1 + 1) >>> 8, SLOT1 + 1, DRIVE1 >>> 8, DRIVE1,
                0, 0, 0, 0));
        assertEquals(List.of("load " + path("B02.tape")), drive("tape0").calls);
        // CHIOGELEM on the drive: status, SVALID and source, PVOLTAG
        byte[] buffer = chReadElementStatus(u, DRIVE1);
        assertEquals(0x09, buffer[18]);
        assertTrue((buffer[9] & 0x80) != 0);
        assertTrue((buffer[25] & 0x80) != 0);
        assertEquals(SLOT1 + 1, u16(buffer, 26));
        assertEquals("B02" + " ".repeat(29), ascii(buffer, 28, 32));
        // CHIOGSTATUS for the storage elements: byte 2 of each descriptor
        StringBuilder status = new StringBuilder();
        for (int i = 0; i < counts[1]; i++) {
            status.append(chReadElementStatus(u, firsts[1] + i)[18]).append(' ');
        }
        assertEquals("9 8 8 8 8 8 8 8 ", status.toString());
        // CHIOPOSITION
        assertEquals(0, run(u, FakeScsiTask.of(0x2B, LUN_BITS, 0, trans, (SLOT1 + 4) >>> 8, SLOT1 + 4, 0, 0, 0, 0)));
        // CHIOEXCHANGE: the drive's B02 for slot 1's A01, B02 to slot 2
        run(u, FakeScsiTask.of(0xA6, LUN_BITS, 0, trans, SLOT1 >>> 8, SLOT1, DRIVE1 >>> 8, DRIVE1,
                (SLOT1 + 1) >>> 8, SLOT1 + 1, 0, 0));
        assertEquals(List.of("load " + path("B02.tape"), "unload false", "load " + path("A01.tape")),
                drive("tape0").calls);
        // ch_move with INVERT (CM_INVERT): refused, the transport cannot rotate
        invalidField(10, 0, () -> run(u, FakeScsiTask.of(0xA5, LUN_BITS, 0, trans, DRIVE1 >>> 8, DRIVE1,
                SLOT1 >>> 8, SLOT1 + 1, 0, 0, 1, 0)));
    }

    /** An element status report parsed as mtx does: per page, the descriptor length from the page header. */
    private static Map<Integer, String> parse(byte[] d) {
        Map<Integer, String> out = new LinkedHashMap<>();
        int end = 8 + u24(d, 5);
        int at = 8;
        while (at < end) {
            boolean pvoltag = (d[at + 1] & 0x80) != 0;
            int length = u16(d, at + 2);
            int bytes = u24(d, at + 5);
            for (int e = at + 8; e < at + 8 + bytes; e += length) {
                String tag = pvoltag ? ascii(d, e + 12, 32).trim() : "";
                boolean full = (d[e + 2] & 1) != 0;
                String src = (d[e + 9] & 0x80) != 0 ? "<" + Integer.toHexString(u16(d, e + 10)) : "";
                out.put(u16(d, e), full ? "Full" + (tag.isEmpty() ? "" : ":" + tag) + src : "Empty");
            }
            at += 8 + bytes;
        }
        return out;
    }

    @Test
    void mtxStatusLoadUnloadTransferInventory() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        // mtx: MODE SENSE(6) with DBD for page 1Dh
        byte[] page = data(u, FakeScsiTask.of(0x1A, 0x08, 0x1D, 0, 136, 0));
        assertEquals(0, page[3]);
        assertEquals(8, u16(page, 4 + 8));
        // mtx status: the byte count first with a short allocation length, then the whole report
        byte[] head = data(u, readElementStatus(0, true, 0, 0xFFFF, false, 8));
        int total = 8 + u24(head, 5);
        Map<Integer, String> status = parse(data(u, readElementStatus(0, true, 0, 0xFFFF, false, total)));
        assertEquals("Full:A01", status.get(SLOT1));
        assertEquals("Empty", status.get(DRIVE1));
        assertEquals(12, status.size());
        // mtx load 3 0
        run(u, moveMedium(TRANSPORT, SLOT1 + 2, DRIVE1));
        status = parse(data(u, readElementStatus(4, true, DRIVE1, 2, false, 1024)));
        assertEquals("Full:C03<1002", status.get(DRIVE1));
        // mtx unload (to the slot the drive reports as the source)
        run(u, moveMedium(TRANSPORT, DRIVE1, SLOT1 + 2));
        assertEquals(List.of("load " + path("C03.tape"), "unload false"), drive("tape0").calls);
        // mtx transfer 1 5
        run(u, moveMedium(TRANSPORT, SLOT1, SLOT1 + 4));
        // mtx inventory
        cartridges("D04.tape");
        run(u, initializeElementStatus());
        status = parse(data(u, readElementStatus(2, true, SLOT1, 8, false, 4096)));
        assertEquals("Full:D04", status.get(SLOT1));
        assertEquals("Full:A01<1000", status.get(SLOT1 + 4));
    }
}
