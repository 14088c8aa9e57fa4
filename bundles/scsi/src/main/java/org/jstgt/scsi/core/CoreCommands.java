package org.jstgt.scsi.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;

/** The commands the core answers whatever the device: REPORT LUNS, REQUEST SENSE, INQUIRY of an absent LUN. */
final class CoreCommands {
    static final int REQUEST_SENSE = 0x03;
    static final int INQUIRY = 0x12;
    static final int REPORT_LUNS = 0xA0;

    private CoreCommands() {
    }

    /**
     * Validates a REPORT LUNS CDB (SPC-4 §6.33, table 283).
     *
     * @return the ALLOCATION LENGTH, capped to an int
     * @throws ScsiException INVALID FIELD IN CDB at SELECT REPORT (byte 2) or ALLOCATION LENGTH (byte 6)
     */
    static int reportLunsAllocation(Cdb cdb) throws ScsiException {
        // byte 2: SELECT REPORT; 00h: LUs except well known, 01h: well known LUs only, 02h: all
        int select = cdb.u8(2);
        if (select > 0x02) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        // bytes 6-9: ALLOCATION LENGTH; less than 16 is an error (SPC-4 §6.33)
        long alloc = cdb.u32(6);
        if (alloc < 16) {
            throw ScsiException.invalidCdbField(6, -1);
        }
        return (int) Math.min(alloc, Integer.MAX_VALUE);
    }

    /**
     * REPORT LUNS parameter data (SPC-4 §6.33, table 284).
     *
     * @param cdb the CDB (SELECT REPORT 01h lists no LUN: jstgt has no well known LUs)
     * @param luns mapped LUN numbers, ascending
     * @return the data
     */
    static byte[] reportLunsData(Cdb cdb, int[] luns) {
        int[] list = cdb.u8(2) == 0x01 ? new int[0] : luns;
        byte[] d = new byte[8 + 8 * list.length];
        // bytes 0-3: LUN LIST LENGTH (n - 7); bytes 4-7: reserved
        int length = 8 * list.length;
        d[0] = (byte) (length >>> 24);
        d[1] = (byte) (length >>> 16);
        d[2] = (byte) (length >>> 8);
        d[3] = (byte) length;
        for (int i = 0; i < list.length; i++) {
            encodeLun(list[i], d, 8 + 8 * i);
        }
        return d;
    }

    /**
     * Single level LUN structure (SAM-5 §4.7.3): peripheral device addressing (byte 0 bits 7-6 =
     * 00b, bus 0) below 256, flat space addressing (01b, 14-bit LUN in bytes 0-1) above; bytes 2-7
     * zero.
     */
    static void encodeLun(int lun, byte[] d, int at) {
        if (lun < 256) {
            d[at] = 0;
            d[at + 1] = (byte) lun;
        } else {
            d[at] = (byte) (0x40 | (lun >>> 8));
            d[at + 1] = (byte) lun;
        }
    }

    /** @return the REQUEST SENSE ALLOCATION LENGTH (SPC-4 §6.39: byte 4) */
    static int requestSenseAllocation(Cdb cdb) {
        return cdb.u8(4);
    }

    /** @return the REQUEST SENSE DESC bit (byte 1 bit 0): descriptor format sense wanted */
    static boolean requestSenseDescriptor(Cdb cdb) {
        return cdb.bit(1, 0);
    }

    /**
     * Validates an INQUIRY CDB for a LUN with no logical unit (SPC-4 §6.6).
     *
     * @return the ALLOCATION LENGTH (bytes 3-4)
     * @throws ScsiException INVALID FIELD IN CDB for CMDDT (byte 1 bit 1), a PAGE CODE without EVPD,
     *     or a VPD page other than 00h
     */
    static int absentInquiryAllocation(Cdb cdb) throws ScsiException {
        if (cdb.bit(1, 1)) {
            throw ScsiException.invalidCdbField(1, 1);
        }
        boolean evpd = cdb.bit(1, 0);
        int page = cdb.u8(2);
        if (!evpd && page != 0) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        if (evpd && page != 0x00) {
            throw ScsiException.invalidCdbField(2, -1);
        }
        return cdb.u16(3);
    }

    /**
     * INQUIRY data for a LUN number with no logical unit: PERIPHERAL QUALIFIER 011b (not capable of
     * supporting a device here) and PERIPHERAL DEVICE TYPE 1Fh (SPC-4 §6.6.2).
     */
    static byte[] absentInquiryData(Cdb cdb) {
        // byte 0: PERIPHERAL QUALIFIER (7-5) = 011b, PERIPHERAL DEVICE TYPE (4-0) = 1Fh
        byte pq = (byte) 0x7F;
        if (cdb.bit(1, 0)) {
            // Supported VPD Pages (SPC-4 §7.8.13): byte 1 PAGE CODE 00h, bytes 2-3 PAGE LENGTH 1,
            // byte 4 the one supported page (00h)
            return new byte[] {pq, 0x00, 0x00, 0x01, 0x00};
        }
        byte[] d = new byte[36];
        d[0] = pq;
        // byte 2: VERSION 06h (SPC-4); byte 3: RESPONSE DATA FORMAT 2
        d[2] = 0x06;
        d[3] = 0x02;
        // byte 4: ADDITIONAL LENGTH (n - 4)
        d[4] = 31;
        // bytes 8-15 T10 VENDOR IDENTIFICATION, 16-31 PRODUCT IDENTIFICATION, 32-35 PRODUCT REVISION LEVEL
        put(d, 8, 8, "JSTGT");
        put(d, 16, 16, "NO LUN");
        put(d, 32, 4, "0001");
        return d;
    }

    private static void put(byte[] d, int at, int width, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(d, at, at + width, (byte) ' ');
        System.arraycopy(b, 0, d, at, Math.min(width, b.length));
    }
}
