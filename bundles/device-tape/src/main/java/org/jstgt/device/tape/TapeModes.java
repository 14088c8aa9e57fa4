package org.jstgt.device.tape;

import java.util.List;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;
import org.jstgt.scsi.spc.ModePage;
import org.jstgt.scsi.spc.ModePages;
import org.jstgt.scsi.spc.ModeSelect;
import org.jstgt.scsi.spc.ModeSense;
import org.jstgt.scsi.spc.OpcodeTable;
import org.jstgt.scsi.spc.PageControl;

/**
 * MODE SENSE(6)/(10) and MODE SELECT(6)/(10) of a sequential-access device (SSC-3 mode parameters, SPC-4
 * §6.9-§6.12). The mode parameter header's DEVICE-SPECIFIC PARAMETER is WP (7), BUFFERED MODE
 * (6-4) and SPEED (3-0); the block descriptor (8 bytes) carries DENSITY CODE (byte 0), NUMBER OF
 * BLOCKS (bytes 1-3, 0: the rest of the medium) and BLOCK LENGTH (bytes 5-7, 0: variable-block
 * mode). Pages: Control (0Ah), Data Compression (0Fh: DCC 1, DCE changeable and reported; data is
 * stored as written), Device Configuration (10h) and Informational Exceptions Control (1Ch). None
 * is saveable.
 *
 * <p>MODE SELECT takes BUFFERED MODE 0 or 1, a DENSITY CODE of the drive (00h: the default, 7Fh:
 * no change), a BLOCK LENGTH of 0 or 1 to {@link Transfers#MAX_TRANSFER}, and DCE; the pages are
 * checked by the SPC helpers ({@link ModeSelect#check}). A change raises MODE PARAMETERS CHANGED
 * on every other I_T nexus.
 */
final class TapeModes implements CommandFamily {
    static final int DATA_COMPRESSION = 0x0F;
    static final int DEVICE_CONFIGURATION = 0x10;
    /** DCE (7) and DCC (6) in page byte 2 of the Data Compression page. */
    static final int DCE = 0x80;
    static final int DCC = 0x40;
    /** DENSITY CODE of MODE SELECT that keeps the current density. */
    static final int NO_CHANGE = 0x7F;
    static final int BLOCK_DESCRIPTOR = 8;

    private final TapeUnit unit;
    private final ModeSense pages;
    private final ModeSelect checker;
    private final ModePage compression;

    TapeModes(TapeUnit unit, boolean descriptorSense) {
        this.unit = unit;
        byte[] dcMask = new byte[14];
        dcMask[0] = (byte) DCE;
        this.compression = new ModePage(DATA_COMPRESSION, 0, this::compressionParameters, dcMask,
                () -> compressionParameters(false));
        this.pages = ModeSense.builder()
                .page(ModePages.control(descriptorSense))
                .page(compression)
                .page(ModePage.fixed(DEVICE_CONFIGURATION, this::deviceConfiguration))
                .page(ModePages.informationalExceptions())
                .build();
        this.checker = new ModeSelect(pages, (t, p, s) -> {
            throw new IllegalStateException("checked lists are applied by TapeModes");
        });
    }

    @Override
    public void register(OpcodeTable.Builder table) {
        int full = 0xFF;
        table.command(ModeSense.OPCODE_6, "MODE SENSE(6)", 6).in().reservation(ReservationClass.READ)
                .usage(0, 0x08, full, full, full, 0)
                .handler(t -> sense(t, false))
                .command(ModeSense.OPCODE_10, "MODE SENSE(10)", 10).in().reservation(ReservationClass.READ)
                .usage(0, 0x18, full, full, 0, 0, 0, full, full, 0)
                .handler(t -> sense(t, true))
                .command(ModeSelect.OPCODE_6, "MODE SELECT(6)", 6).out()
                .usage(0, 0x11, 0, 0, full, 0)
                .handler(t -> select(t, false))
                .command(ModeSelect.OPCODE_10, "MODE SELECT(10)", 10).out()
                .usage(0, 0x11, 0, 0, 0, 0, 0, full, full, 0)
                .handler(t -> select(t, true));
    }

    /**
     * Data Compression page (SSC-3 mode parameters), 14 parameter bytes: byte 2 DCE (7), DCC (6); byte 3
     * DDE (7), RED (6-5); bytes 4-7 COMPRESSION and 8-11 DECOMPRESSION ALGORITHM, 0: the drive
     * stores data as written, so no algorithm is named whatever DCE says.
     */
    private byte[] compressionParameters() {
        return compressionParameters(unit.compressionNow());
    }

    private static byte[] compressionParameters(boolean dce) {
        byte[] p = new byte[14];
        p[0] = (byte) ((dce ? DCE : 0) | DCC);
        p[1] = (byte) 0x80;
        return p;
    }

    /**
     * Device Configuration page (SSC-3 mode parameters), 14 parameter bytes: ACTIVE FORMAT and ACTIVE
     * PARTITION 0; WRITE DELAY TIME 0; byte 8 LOIS (6): READ POSITION reports logical object
     * identifiers; byte 10 EEG (4): end of data is recorded, SEW (3): data is written before early
     * warning is reported; byte 14 SELECT DATA COMPRESSION ALGORITHM 1 while DCE is set, else 0.
     * Not changeable (the Data Compression page changes compression).
     */
    private byte[] deviceConfiguration() {
        byte[] p = new byte[14];
        p[6] = 0x40;
        p[8] = 0x18;
        p[12] = (byte) (unit.compressionNow() ? 1 : 0);
        return p;
    }

    /**
     * MODE SENSE: the pages from the SPC helpers, with the tape header and block descriptor.
     * Block descriptor values: current (the loaded cartridge's density, 00h without one; the block
     * length), changeable (DENSITY CODE FFh, BLOCK LENGTH FFFFFFh), default (the configured density,
     * variable-block mode).
     */
    private CommandDescriptor sense(ScsiTask task, boolean ten) throws ScsiException {
        Cdb cdb = task.cdb();
        if (ten) {
            CdbChecks.requireZero(cdb, 1, 0xE7);
            CdbChecks.requireZeroBytes(cdb, 4, 6);
        } else {
            CdbChecks.requireZero(cdb, 1, 0xF7);
        }
        boolean dbd = cdb.bit(1, 3);
        int pcPage = cdb.u8(2);
        int subpage = cdb.u8(3);
        int allocation = ten ? cdb.u16(7) : cdb.u8(4);
        PageControl pc = PageControl.of(pcPage >>> 6);
        // PAGE CODE 00h: no page, only the header and block descriptor (SCSI-2 initiators such as
        // Linux st ask so); any other selection is checked now, a bad one being a parse error
        boolean headerOnly = (pcPage & 0x3F) == 0 && subpage == 0;
        if (!headerOnly) {
            pages.data(ten, true, false, pcPage, subpage);
        }
        if (allocation == 0) {
            return unit.command(DataDirection.NONE, 0, (t, d) -> CommandResult.good());
        }
        return unit.command(DataDirection.IN, allocation, (t, d) -> {
            byte[] withoutDescriptor = headerOnly ? emptyHeader(ten) : pages.data(ten, true, false, pcPage, subpage);
            byte[] data = dbd ? withoutDescriptor : insertDescriptor(withoutDescriptor, ten, descriptor(d, pc));
            int header = ten ? 8 : 4;
            int dsp = (d.writeProtected() ? 0x80 : 0) | (d.buffered() ? 0x10 : 0);
            data[ten ? 3 : 2] = (byte) dsp;
            if (data.length < header) {
                throw new IllegalStateException("mode data shorter than its header");
            }
            int n = Math.min(allocation, data.length);
            t.dataIn(n).put(0, data, 0, n);
            return CommandResult.good(n);
        });
    }

    /** A mode parameter header without block descriptor or pages. */
    private static byte[] emptyHeader(boolean ten) {
        byte[] h = new byte[ten ? 8 : 4];
        if (ten) {
            Bytes.putU16(h, 0, h.length - 2);
        } else {
            h[0] = (byte) (h.length - 1);
        }
        return h;
    }

    private static byte[] descriptor(Drive d, PageControl pc) {
        byte[] b = new byte[BLOCK_DESCRIPTOR];
        switch (pc) {
            case CHANGEABLE -> {
                b[0] = (byte) 0xFF;
                Bytes.putU24(b, 5, 0xFFFFFF);
            }
            case DEFAULT -> b[0] = (byte) d.defaultDensity().code();
            default -> {
                b[0] = (byte) (d.state() == Drive.State.LOADED ? d.density().code() : 0);
                Bytes.putU24(b, 5, d.blockLength());
            }
        }
        return b;
    }

    /** Puts a block descriptor after the header of mode data that has none, fixing the lengths. */
    private static byte[] insertDescriptor(byte[] data, boolean ten, byte[] descriptor) {
        int header = ten ? 8 : 4;
        byte[] out = new byte[data.length + descriptor.length];
        System.arraycopy(data, 0, out, 0, header);
        System.arraycopy(descriptor, 0, out, header, descriptor.length);
        System.arraycopy(data, header, out, header + descriptor.length, data.length - header);
        if (ten) {
            Bytes.putU16(out, 0, out.length - 2);
            Bytes.putU16(out, 6, descriptor.length);
        } else {
            out[0] = (byte) Math.min(out.length - 1, 0xFF);
            out[3] = (byte) descriptor.length;
        }
        return out;
    }

    /**
     * MODE SELECT(6): byte 1 PF (4), SP (0); byte 4 PARAMETER LIST LENGTH. MODE SELECT(10): bytes
     * 7-8. SP is refused (no page is saveable); PF 0 is taken for a list without pages (a header and
     * block descriptor, as SCSI-2 initiators send), else refused.
     */
    private CommandDescriptor select(ScsiTask task, boolean ten) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xEE);
        CdbChecks.requireZeroBytes(cdb, 2, ten ? 6 : 3);
        if (cdb.bit(1, 0)) {
            throw ScsiException.invalidCdbField(1, 0);
        }
        boolean pf = cdb.bit(1, 4);
        int length = ten ? cdb.u16(7) : cdb.u8(4);
        if (length == 0) {
            return unit.command(DataDirection.NONE, 0, (t, d) -> CommandResult.good());
        }
        return unit.command(DataDirection.OUT, length, (t, d) -> {
            java.nio.ByteBuffer out = t.dataOut();
            if (out.remaining() < length) {
                throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
            }
            byte[] list = new byte[length];
            out.duplicate().get(list);
            apply(t, d, list, ten, pf);
            return CommandResult.good();
        });
    }

    private void apply(ScsiTask task, Drive d, byte[] list, boolean ten, boolean pf) throws ScsiException {
        int header = ten ? 8 : 4;
        if (list.length < header) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        int dspAt = ten ? 3 : 2;
        int dsp = list[dspAt] & 0xFF;
        int bufferedMode = (dsp >>> 4) & 0x07;
        if (bufferedMode > 1) {
            throw invalid(dspAt, 6);
        }
        if ((dsp & 0x0F) != 0) {
            throw invalid(dspAt, 3);
        }
        if (ten && (list[4] & 0x01) != 0) {
            throw invalid(4, 0);
        }
        int bdlAt = ten ? 6 : 3;
        int bdl = ten ? Bytes.u16(list, 6) : list[3] & 0xFF;
        if (bdl != 0 && bdl != BLOCK_DESCRIPTOR) {
            throw invalid(bdlAt, -1);
        }
        if (header + bdl > list.length) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        Density density = d.density();
        int blockLength = d.blockLength();
        if (bdl != 0) {
            int code = list[header] & 0xFF;
            if (code == 0) {
                density = d.defaultDensity();
            } else if (code != NO_CHANGE) {
                density = Density.ofCode(code).orElseThrow(() -> invalid(header, -1));
            }
            blockLength = ((list[header + 5] & 0xFF) << 16) | Bytes.u16(list, header + 6);
            if (blockLength > Transfers.MAX_TRANSFER) {
                throw invalid(header + 5, -1);
            }
        }
        List<ModeSelect.Change> changes = List.of();
        if (header + bdl < list.length) {
            if (!pf) {
                throw ScsiException.invalidCdbField(1, 4);
            }
            byte[] rest = new byte[list.length - bdl];
            System.arraycopy(list, 0, rest, 0, header);
            System.arraycopy(list, header + bdl, rest, header, list.length - header - bdl);
            if (ten) {
                Bytes.putU16(rest, 6, 0);
            } else {
                rest[3] = 0;
            }
            try {
                changes = checker.check(rest, ten, false);
            } catch (ScsiException e) {
                throw shifted(e, header, bdl);
            }
        }
        boolean dce = d.compression();
        for (ModeSelect.Change c : changes) {
            if (c.page() == compression) {
                dce = (c.parameters()[0] & DCE) != 0;
            }
        }
        boolean changed = density != d.density() || blockLength != d.blockLength()
                || (bufferedMode == 1) != d.buffered() || dce != d.compression();
        d.density(density);
        d.blockLength(blockLength);
        d.buffered(bufferedMode == 1);
        d.compression(dce);
        unit.modesChanged();
        if (changed) {
            unit.events().unitAttentionToOthers(SenseReason.MODE_PARAMETERS_CHANGED.sense(),
                    task.initiatorPortName(), task.targetPortName());
        }
    }

    /** A field pointer of the page check, which saw the list without its block descriptor, moved back. */
    private static ScsiException shifted(ScsiException e, int header, int bdl) {
        Sense s = e.sense();
        int sks = s.senseKeySpecific();
        if (bdl == 0 || sks < 0 || (sks & 0x40_0000) != 0) {
            return e;
        }
        int at = sks & 0xFFFF;
        int bit = (sks & 0x08_0000) != 0 ? (sks >>> 16) & 0x07 : -1;
        return new ScsiException(Sense.of(s.key(), s.asc(), s.ascq())).inParameterList(at >= header ? at + bdl : at,
                bit);
    }

    private static ScsiException invalid(int at, int bit) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(at, bit);
    }
}
