package org.jstgt.device.changer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jstgt.api.media.ChangerElement.ElementType;
import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.UnitLease;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.Commands;
import org.jstgt.scsi.spc.Inquiry;
import org.jstgt.scsi.spc.OpcodeTable;

/**
 * READ ELEMENT STATUS (SMC-3 §6.10): the element status data header, then one element status page
 * per run of elements of one type, in address order, each with its descriptors.
 *
 * <p>Descriptors (SMC-3 §6.10.3): bytes 0-1 ELEMENT ADDRESS; byte 2 flags (transport: EXCEPT (2),
 * FULL (0); storage and data transfer: ACCESS (3), EXCEPT, FULL; import/export: INENAB (5) and
 * EXENAB (4) 1, ACCESS, EXCEPT, IMPEXP (1), FULL); bytes 4-5 ADDITIONAL SENSE CODE and QUALIFIER
 * of an exception; for a data transfer element byte 6 LU VALID (4) and LUN (2-0) when the drive's
 * LUN in the asking target is 0-7 (Linux {@code ch} finds its drives so), byte 7 SCSI BUS ADDRESS
 * 0; byte 9 SVALID (7), INVERT (6) 0; bytes 10-11 SOURCE STORAGE ELEMENT ADDRESS; with VOLTAG,
 * bytes 12-47 PRIMARY VOLUME TAG INFORMATION (32 bytes volume identifier, the barcode space
 * padded; 2 reserved; VOLUME SEQUENCE NUMBER 0), all zeros for an empty element and spaces for a
 * medium of unknown barcode; with DVCID, a device identifier: byte 0 CODE SET (2, ASCII), byte 1
 * IDENTIFIER TYPE (1, T10 vendor identification: the drive's vendor (8), product (16) and serial
 * number), byte 3 IDENTIFIER LENGTH, then the identifier, padded to the page's descriptor length
 * (length 0 for elements without a drive). A descriptor is at least 16 bytes.
 */
final class ElementStatus implements CommandFamily {
    static final int OPCODE = 0xB8;
    private static final int VOLUME_TAG = 36;

    private final Robot robot;
    private final Layout layout;

    ElementStatus(Robot robot) {
        this.robot = robot;
        this.layout = robot.layout();
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(OPCODE, "READ ELEMENT STATUS", 12).in().reservation(ReservationClass.READ)
                .usage(0, 0x1F, full, full, full, full, 0x03, full, full, full, 0, 0)
                .handler(this::parse);
    }

    /**
     * READ ELEMENT STATUS (SMC-3 §6.10): byte 1 VOLTAG (4), ELEMENT TYPE CODE (3-0; 0 all
     * types, 1 transport, 2 storage, 3 import/export, 4 data transfer); bytes 2-3 STARTING ELEMENT
     * ADDRESS; 4-5 NUMBER OF ELEMENTS; byte 6 CURDATA (1), DVCID (0); bytes 7-9 ALLOCATION LENGTH;
     * byte 10 reserved. The elements of the type(s) from the starting address on, at most NUMBER OF
     * ELEMENTS of them, are reported; the data is cut at the allocation length, its headers still
     * counting all of it (SPC-4 §4.2.5.6). The status is always current: CURDATA is honoured as is.
     *
     * @throws ScsiException INVALID FIELD IN CDB for an element type code above 4 or reserved bits;
     *     INVALID ELEMENT ADDRESS (21h/01h, byte 2) when no element of the type(s) is at or after
     *     the starting address while the library has some
     */
    private CommandDescriptor parse(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        int code = cdb.u8(1) & 0x0F;
        if (code > 4) {
            throw ScsiException.invalidCdbField(1, 3);
        }
        boolean voltag = cdb.bit(1, 4);
        int start = cdb.u16(2);
        int count = cdb.u16(4);
        CdbChecks.requireZero(cdb, 6, 0xFC);
        boolean dvcid = cdb.bit(6, 0);
        int alloc = cdb.u24(7);
        CdbChecks.requireZeroBytes(cdb, 10, 10);
        ElementType type = code == 0 ? null : ElementType.values()[code - 1];
        int last = -1;
        for (int p = 0; p < layout.size(); p++) {
            if (type == null || layout.type(p) == type) {
                last = layout.address(p);
            }
        }
        if (last >= 0 && start > last) {
            throw new ScsiException(ChangerSense.INVALID_ELEMENT_ADDRESS).inCdb(2, 7);
        }
        return Commands.dataIn(alloc, t -> data(t, type, start, count, voltag, dvcid));
    }

    /** @return the whole report, before the allocation length cuts it */
    byte[] data(ScsiTask task, ElementType type, int start, int count, boolean voltag, boolean dvcid) {
        List<ElementView> chosen = new ArrayList<>();
        for (ElementView v : robot.views()) {
            if (chosen.size() < count && (type == null || v.type() == type) && v.address() >= start) {
                chosen.add(v);
            }
        }
        ByteArrayOutputStream pages = new ByteArrayOutputStream();
        int i = 0;
        while (i < chosen.size()) {
            int j = i;
            while (j < chosen.size() && chosen.get(j).type() == chosen.get(i).type()) {
                j++;
            }
            pages.writeBytes(page(task, chosen.subList(i, j), voltag, dvcid));
            i = j;
        }
        byte[] body = pages.toByteArray();
        byte[] d = new byte[8 + body.length];
        // bytes 0-1 FIRST ELEMENT ADDRESS REPORTED, 2-3 NUMBER OF ELEMENTS AVAILABLE,
        // 5-7 BYTE COUNT OF REPORT AVAILABLE (all pages, not this header)
        Bytes.putU16(d, 0, chosen.isEmpty() ? 0 : chosen.get(0).address());
        Bytes.putU16(d, 2, chosen.size());
        Bytes.putU24(d, 5, body.length);
        System.arraycopy(body, 0, d, 8, body.length);
        return d;
    }

    /** One element status page (SMC-3 §6.10.2) of elements of one type. */
    private byte[] page(ScsiTask task, List<ElementView> views, boolean voltag, boolean dvcid) {
        ElementType type = views.get(0).type();
        List<byte[]> ids = new ArrayList<>();
        int idLength = 0;
        for (ElementView v : views) {
            byte[] id = dvcid ? identifier(v) : new byte[0];
            ids.add(id);
            idLength = Math.max(idLength, id.length);
        }
        int length = 12 + (voltag ? VOLUME_TAG : 0) + (dvcid ? 4 + Bytes.pad4(idLength) : 0);
        length = Math.max(length, 16);
        byte[] d = new byte[8 + length * views.size()];
        // byte 0 ELEMENT TYPE CODE; byte 1 PVOLTAG (7), AVOLTAG (6) 0; bytes 2-3 ELEMENT DESCRIPTOR
        // LENGTH; bytes 5-7 BYTE COUNT OF DESCRIPTOR DATA AVAILABLE
        d[0] = (byte) type.code();
        d[1] = (byte) (voltag ? 0x80 : 0);
        Bytes.putU16(d, 2, length);
        Bytes.putU24(d, 5, length * views.size());
        for (int k = 0; k < views.size(); k++) {
            descriptor(task, views.get(k), d, 8 + k * length, voltag, dvcid, ids.get(k));
        }
        return d;
    }

    private void descriptor(ScsiTask task, ElementView v, byte[] d, int at, boolean voltag, boolean dvcid,
            byte[] id) {
        Bytes.putU16(d, at, v.address());
        int flags = (v.full() ? 0x01 : 0) | (v.except() ? 0x04 : 0);
        switch (v.type()) {
            case MEDIUM_TRANSPORT -> {
            }
            case STORAGE, DATA_TRANSFER -> flags |= v.access() ? 0x08 : 0;
            case IMPORT_EXPORT -> flags |= 0x20 | 0x10 | (v.access() ? 0x08 : 0) | (v.imported() ? 0x02 : 0);
        }
        d[at + 2] = (byte) flags;
        if (v.except()) {
            d[at + 4] = (byte) v.asc();
            d[at + 5] = (byte) v.ascq();
        }
        if (v.type() == ElementType.DATA_TRANSFER) {
            int lun = lunOf(task, v.drive());
            if (lun >= 0 && lun <= 7) {
                d[at + 6] = (byte) (0x10 | lun);
            }
        }
        if (v.source() >= 0) {
            d[at + 9] = (byte) 0x80;
            Bytes.putU16(d, at + 10, v.source());
        }
        int off = at + 12;
        if (voltag) {
            if (v.full()) {
                Bytes.putAscii(d, off, 32, v.barcode() == null ? "" : v.barcode());
            }
            off += VOLUME_TAG;
        }
        if (dvcid) {
            if (id.length > 0) {
                d[off] = Inquiry.CODE_SET_ASCII;
                d[off + 1] = Inquiry.TYPE_T10_VENDOR;
                d[off + 3] = (byte) id.length;
                System.arraycopy(id, 0, d, off + 4, id.length);
            }
        }
    }

    /** @return the T10 vendor identification of a drive: vendor (8), product (16), serial number */
    private byte[] identifier(ElementView v) {
        if (v.type() != ElementType.DATA_TRANSFER) {
            return new byte[0];
        }
        Optional<LunSpec> spec = robot.luns().spec(v.drive());
        if (spec.isEmpty()) {
            return new byte[0];
        }
        LunSpec s = spec.get();
        String serial = s.serial();
        byte[] id = new byte[Math.min(24 + serial.length(), 255 - 3)];
        Bytes.putAscii(id, 0, 8, s.vendor());
        Bytes.putAscii(id, 8, 16, s.product());
        byte[] text = serial.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, id, 24, Math.min(text.length, id.length - 24));
        return id;
    }

    /** @return the drive's LUN in the asking task's target, or -1 */
    private int lunOf(ScsiTask task, String drive) {
        Optional<LunSpec> spec = robot.luns().spec(drive);
        if (spec.isEmpty()) {
            return -1;
        }
        Optional<UnitLease> lease = robot.luns().lease(task, spec.get().naaId());
        if (lease.isEmpty()) {
            return -1;
        }
        try (UnitLease l = lease.get()) {
            return l.lun();
        }
    }
}
