package org.jstgt.scsi.pr;

import java.util.List;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.scsi.spc.Bytes;
import org.jstgt.scsi.spc.CdbChecks;

/**
 * A PERSISTENT RESERVE OUT command (SPC-4 §6.16) read from its CDB and parameter list.
 *
 * @param serviceAction the SERVICE ACTION (byte 1 bits 4-0)
 * @param type the TYPE (byte 2 bits 3-0) for the service actions that use it, else null
 * @param key RESERVATION KEY (bytes 0-7)
 * @param serviceActionKey SERVICE ACTION RESERVATION KEY (bytes 8-15)
 * @param specifyInitiatorPorts SPEC_I_PT (byte 20 bit 3)
 * @param allTargetPorts ALL_TG_PT (byte 20 bit 2)
 * @param aptpl APTPL (byte 20 bit 0; byte 17 bit 0 for REGISTER AND MOVE)
 * @param transportIds the TransportIDs of SPEC_I_PT, or the one of REGISTER AND MOVE
 * @param relativeTargetPortId REGISTER AND MOVE: RELATIVE TARGET PORT IDENTIFIER (bytes 18-19)
 * @param unregister REGISTER AND MOVE: UNREG (byte 17 bit 1)
 */
public record PrOutRequest(int serviceAction, PrType type, long key, long serviceActionKey,
        boolean specifyInitiatorPorts, boolean allTargetPorts, boolean aptpl, List<TransportId> transportIds,
        int relativeTargetPortId, boolean unregister) {
    public static final int REGISTER = 0x00;
    public static final int RESERVE = 0x01;
    public static final int RELEASE = 0x02;
    public static final int CLEAR = 0x03;
    public static final int PREEMPT = 0x04;
    public static final int PREEMPT_AND_ABORT = 0x05;
    public static final int REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    public static final int REGISTER_AND_MOVE = 0x07;
    /** The length of the basic parameter list (SPC-4 §6.16.3). */
    static final int BASIC_LENGTH = 24;
    /** The largest PARAMETER LIST LENGTH taken: room for some thousand TransportIDs, memory bounded. */
    public static final int MAX_PARAMETER_LIST = 65535;
    /** LU_SCOPE, the only SCOPE (SPC-4 §6.16.2). */
    private static final int LU_SCOPE = 0;

    public PrOutRequest {
        transportIds = List.copyOf(transportIds);
    }

    /**
     * What the CDB says (SPC-4 §6.16.1): byte 1 reserved (7-5), SERVICE ACTION (4-0); byte 2 SCOPE
     * (7-4), TYPE (3-0); bytes 3-4 reserved; bytes 5-8 PARAMETER LIST LENGTH; byte 9 CONTROL.
     *
     * @param serviceAction the service action
     * @param type the TYPE of RESERVE, RELEASE, PREEMPT and PREEMPT AND ABORT, else null (SCOPE and
     *     TYPE are ignored by the others)
     * @param parameterListLength PARAMETER LIST LENGTH
     */
    public record Command(int serviceAction, PrType type, int parameterListLength) {
    }

    /**
     * @param cdb the CDB
     * @return what it asks
     * @throws ScsiException INVALID FIELD IN CDB for a reserved bit, an unknown service action (byte 1
     *     bit 4), a SCOPE other than LU_SCOPE (byte 2 bit 7) or an unknown TYPE (byte 2 bit 3) where
     *     they are used, or a PARAMETER LIST LENGTH beyond {@link #MAX_PARAMETER_LIST} (byte 5); the
     *     CONTROL byte's
     */
    public static Command parseCdb(Cdb cdb) throws ScsiException {
        int sa = PrIn.serviceAction(cdb, REGISTER_AND_MOVE);
        CdbChecks.requireZeroBytes(cdb, 3, 4);
        long length = cdb.u32(5);
        if (length > MAX_PARAMETER_LIST) {
            throw ScsiException.invalidCdbField(5, -1);
        }
        PrType type = null;
        if (sa == RESERVE || sa == RELEASE || sa == PREEMPT || sa == PREEMPT_AND_ABORT) {
            if (cdb.u8(2) >>> 4 != LU_SCOPE) {
                throw ScsiException.invalidCdbField(2, 7);
            }
            type = PrType.of(cdb.u8(2) & 0x0F);
            if (type == null) {
                throw ScsiException.invalidCdbField(2, 3);
            }
        }
        return new Command(sa, type, (int) length);
    }

    /**
     * Reads the parameter list (SPC-4 §6.16.3 basic, §6.16.4 REGISTER AND MOVE).
     *
     * @param c what the CDB said
     * @param list the parameter list, PARAMETER LIST LENGTH bytes
     * @param ptplCapable whether APTPL can be honoured (PTPL_C)
     * @return the request
     * @throws ScsiException PARAMETER LIST LENGTH ERROR when the length does not fit the list;
     *     INVALID FIELD IN PARAMETER LIST for SPEC_I_PT with another service action than REGISTER,
     *     APTPL without PTPL_C, a bad TransportID
     */
    public static PrOutRequest parse(Command c, byte[] list, boolean ptplCapable) throws ScsiException {
        if (list.length < BASIC_LENGTH) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, list.length + " bytes");
        }
        long key = Bytes.u64(list, 0);
        long saKey = Bytes.u64(list, 8);
        if (c.serviceAction() == REGISTER_AND_MOVE) {
            return registerAndMove(c, list, key, saKey, ptplCapable);
        }
        // byte 20: reserved (7-4), SPEC_I_PT (3), ALL_TG_PT (2), reserved (1), APTPL (0)
        boolean specIPt = (list[20] & 0x08) != 0;
        boolean register = c.serviceAction() == REGISTER || c.serviceAction() == REGISTER_AND_IGNORE_EXISTING_KEY;
        if (specIPt && c.serviceAction() != REGISTER) {
            throw invalid(20, 3, "SPEC_I_PT is valid for REGISTER only");
        }
        boolean aptpl = register && (list[20] & 0x01) != 0;
        if (aptpl && !ptplCapable) {
            throw invalid(20, 0, "APTPL without a place to keep the state");
        }
        List<TransportId> ids = List.of();
        if (!specIPt) {
            if (list.length != BASIC_LENGTH) {
                throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, list.length + " bytes, not 24");
            }
        } else {
            // bytes 24-27: TRANSPORTID PARAMETER DATA LENGTH, then the TransportIDs
            if (list.length < BASIC_LENGTH + 4 || Bytes.u32(list, 24) != list.length - BASIC_LENGTH - 4L) {
                throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "TRANSPORTID PARAMETER DATA LENGTH");
            }
            ids = TransportId.parseAll(list, BASIC_LENGTH + 4, list.length);
        }
        return new PrOutRequest(c.serviceAction(), c.type(), key, saKey, specIPt, register && (list[20] & 0x04) != 0,
                aptpl, ids, 0, false);
    }

    /**
     * SPC-4 §6.16.4: bytes 0-7 RESERVATION KEY, 8-15 SERVICE ACTION RESERVATION KEY, 16 reserved, 17
     * reserved (7-2), UNREG (1), APTPL (0), 18-19 RELATIVE TARGET PORT IDENTIFIER, 20-23 TRANSPORTID
     * PARAMETER DATA LENGTH, then one TransportID.
     */
    private static PrOutRequest registerAndMove(Command c, byte[] list, long key, long saKey, boolean ptplCapable)
            throws ScsiException {
        if (Bytes.u32(list, 20) != list.length - BASIC_LENGTH) {
            throw new ScsiException(SenseReason.PARAMETER_LIST_LENGTH_ERROR, "TRANSPORTID PARAMETER DATA LENGTH");
        }
        boolean aptpl = (list[17] & 0x01) != 0;
        if (aptpl && !ptplCapable) {
            throw invalid(17, 0, "APTPL without a place to keep the state");
        }
        int rtpi = Bytes.u16(list, 18);
        if (rtpi == 0) {
            throw invalid(18, -1, "RELATIVE TARGET PORT IDENTIFIER 0");
        }
        if (list.length == BASIC_LENGTH) {
            throw invalid(20, -1, "no TransportID");
        }
        TransportId id = TransportId.parse(list, BASIC_LENGTH, list.length);
        if (BASIC_LENGTH + 4 + Bytes.u16(list, BASIC_LENGTH + 2) != list.length) {
            throw invalid(20, -1, "more than one TransportID");
        }
        return new PrOutRequest(c.serviceAction(), null, key, saKey, false, false, aptpl, List.of(id), rtpi,
                (list[17] & 0x02) != 0);
    }

    static ScsiException invalid(int at, int bit, String why) {
        return new ScsiException(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, why).inParameterList(at, bit);
    }
}
