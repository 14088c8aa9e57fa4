package org.jstgt.scsi.spc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/**
 * MODE SELECT(6) and MODE SELECT(10) (SPC-4 §6.9, §6.10) over the pages of a {@link ModeSense}:
 * the whole parameter list is checked before anything changes, then the device takes the pages.
 *
 * <p>Parameter list checks, each an ILLEGAL REQUEST whose field pointer names the byte (and bit)
 * of the parameter list: a list shorter than its header, block descriptor or a page it starts is a
 * PARAMETER LIST LENGTH ERROR (1Ah/00h); a MEDIUM TYPE other than 00h, a BLOCK DESCRIPTOR LENGTH
 * other than 0 or one descriptor (8 bytes, 16 with LONGLBA), a LOGICAL BLOCK LENGTH other than the
 * unit's, an unknown page, a PAGE LENGTH other than the page's, or a change to a bit the
 * changeable values do not offer is an INVALID FIELD IN PARAMETER LIST (26h/00h). MODE DATA LENGTH
 * and the PS bit are reserved in MODE SELECT and the DEVICE-SPECIFIC PARAMETER's WP and DPOFUA bits
 * are ignored (SBC-4 §6.5.1), so initiators may send back what MODE SENSE gave them. NUMBER OF
 * LOGICAL BLOCKS is ignored: the capacity cannot be changed this way (SBC-4 §6.5.2).
 */
public final class ModeSelect {
    /** MODE SELECT(6) operation code. */
    public static final int OPCODE_6 = 0x15;
    /** MODE SELECT(10) operation code. */
    public static final int OPCODE_10 = 0x55;

    /** What the device does with a checked parameter list. */
    @FunctionalInterface
    public interface Target {
        /**
         * Applies the pages, in list order, then saves every saveable page when asked.
         *
         * @param task the MODE SELECT (its nexus is the one a change is not reported to)
         * @param pages the pages of the list with their parameter bytes
         * @param save SP: save the pages
         * @return completes when done (saved values written, when {@code save})
         */
        CompletionStage<Void> apply(ScsiTask task, List<Change> pages, boolean save);
    }

    /**
     * One page of a parameter list.
     *
     * @param page the page
     * @param parameters its parameter bytes (after the page header)
     */
    public record Change(ModePage page, byte[] parameters) {
    }

    private final ModeSense pages;
    private final Target target;

    /**
     * @param pages the pages and block descriptor format the unit has
     * @param target applies checked lists
     */
    public ModeSelect(ModeSense pages, Target target) {
        this.pages = Objects.requireNonNull(pages);
        this.target = Objects.requireNonNull(target);
    }

    /**
     * MODE SELECT(6) (SPC-4 §6.9, table 162): byte 1 PF (4), SP (0), bits 7-5 and 3-1 reserved;
     * bytes 2-3 reserved; byte 4 PARAMETER LIST LENGTH.
     *
     * @param task the task
     * @return the descriptor
     * @throws ScsiException INVALID FIELD IN CDB for reserved bits, PF 0 (byte 1 bit 4: only the
     *     page format is known) or SP 1 on a unit without saveable pages (byte 1 bit 0)
     */
    public CommandDescriptor parse6(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xEE);
        CdbChecks.requireZeroBytes(cdb, 2, 3);
        return parse(cdb, false, cdb.u8(4));
    }

    /**
     * MODE SELECT(10) (SPC-4 §6.10, table 165): byte 1 as MODE SELECT(6); bytes 2-6 reserved;
     * bytes 7-8 PARAMETER LIST LENGTH.
     *
     * @param task the task
     * @return the descriptor
     * @throws ScsiException as {@link #parse6}
     */
    public CommandDescriptor parse10(ScsiTask task) throws ScsiException {
        Cdb cdb = task.cdb();
        CdbChecks.requireZero(cdb, 1, 0xEE);
        CdbChecks.requireZeroBytes(cdb, 2, 6);
        return parse(cdb, true, cdb.u16(7));
    }

    private CommandDescriptor parse(Cdb cdb, boolean ten, int length) throws ScsiException {
        if (!cdb.bit(1, 4)) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        boolean save = cdb.bit(1, 0);
        if (save && !pages.anySaveable()) {
            throw ScsiException.invalidCdbField(1, 0);
        }
        // SPC-4 §6.9: a PARAMETER LIST LENGTH of 0 is not an error and changes nothing
        return Commands.parameterList(length, (task, list) -> target.apply(task, check(list, ten, save), save));
    }

    /**
     * Checks a parameter list (SPC-4 §7.5.4-§7.5.7).
     *
     * @param list the parameter list, exactly PARAMETER LIST LENGTH bytes
     * @param ten MODE SELECT(10) header
     * @param save SP
     * @return the pages it holds
     * @throws ScsiException PARAMETER LIST LENGTH ERROR or INVALID FIELD IN PARAMETER LIST (field
     *     pointer in the list), INVALID FIELD IN CDB (byte 1 bit 0) when SP asks to save a page
     *     that cannot be saved
     */
    public List<Change> check(byte[] list, boolean ten, boolean save) throws ScsiException {
        int header = ten ? 8 : 4;
        if (list.length < header) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        // (6): byte 1 MEDIUM TYPE, byte 3 BLOCK DESCRIPTOR LENGTH; (10): byte 2 MEDIUM TYPE, byte 4
        // LONGLBA (bit 0), bytes 6-7 BLOCK DESCRIPTOR LENGTH
        int mediumType = ten ? 2 : 1;
        if (list[mediumType] != 0) {
            throw invalid(mediumType, -1);
        }
        boolean longLba = ten && (list[4] & 1) != 0;
        int bdlAt = ten ? 6 : 3;
        int bdl = ten ? Bytes.u16(list, 6) : list[3] & 0xFF;
        int one = longLba ? 16 : 8;
        if (bdl != 0 && (bdl != one || !pages.blockDescriptors())) {
            throw invalid(bdlAt, -1);
        }
        if (header + bdl > list.length) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        if (bdl != 0) {
            // SBC-4 §6.5.2: LOGICAL BLOCK LENGTH in bytes 5-7 (short) or 12-15 (long)
            int at = header + (longLba ? 12 : 5);
            long blockLength = longLba ? Bytes.u32(list, at) : ((list[at] & 0xFF) << 16) | Bytes.u16(list, at + 1);
            if (blockLength != pages.blockLength()) {
                throw invalid(at, -1);
            }
        }
        List<Change> out = new ArrayList<>();
        int at = header + bdl;
        while (at < list.length) {
            out.add(page(list, at, save));
            ModePage p = out.get(out.size() - 1).page();
            at += (p.subpageCode() == 0 ? 2 : 4) + p.parameterLength();
        }
        return out;
    }

    /** One page at {@code at}: header, known page, its length, and only changeable bits changed. */
    private Change page(byte[] list, int at, boolean save) throws ScsiException {
        if (list.length - at < 2) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        // byte 0: PS (7, reserved here), SPF (6), PAGE CODE (5-0)
        boolean spf = (list[at] & 0x40) != 0;
        int code = list[at] & 0x3F;
        int headerLength = spf ? 4 : 2;
        if (list.length - at < headerLength) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        int subpage = spf ? list[at + 1] & 0xFF : 0;
        ModePage page = (spf && subpage == 0 ? null : pages.page(code, subpage).orElse(null));
        if (page == null) {
            throw spf ? invalid(at + 1, -1) : invalid(at, 5);
        }
        int length = spf ? Bytes.u16(list, at + 2) : list[at + 1] & 0xFF;
        if (length != page.parameterLength()) {
            throw invalid(spf ? at + 2 : at + 1, -1);
        }
        if (list.length - at - headerLength < length) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR);
        }
        if (save && !page.saveable()) {
            throw ScsiException.invalidCdbField(1, 0);
        }
        int from = at + headerLength;
        byte[] params = new byte[length];
        System.arraycopy(list, from, params, 0, length);
        byte[] current = page.current();
        byte[] mask = page.changeable();
        for (int i = 0; i < length; i++) {
            int fixedChanged = (params[i] ^ current[i]) & ~mask[i] & 0xFF;
            if (fixedChanged != 0) {
                throw invalid(from + i, 31 - Integer.numberOfLeadingZeros(fixedChanged));
            }
        }
        return new Change(page, params);
    }

    private static ScsiException invalid(int byteIndex, int bit) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST).inParameterList(byteIndex, bit);
    }
}
