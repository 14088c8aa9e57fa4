package org.jstgt.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/** Maps framed bytes to PDU values and back (RFC 7143 §11). */
public final class PduCodec {
    private PduCodec() {
    }

    /**
     * Decodes a framed PDU. On failure the caller still owns {@code data}.
     *
     * @param opcode the opcode (known)
     * @param h the BHS
     * @param ahs the AHS bytes
     * @param data the data segment without padding; ownership passes to the PDU on success
     * @return the PDU
     * @throws MalformedPduException when a field is invalid
     */
    public static Pdu decode(Opcode opcode, byte[] h, byte[] ahs, ByteBuf data) throws MalformedPduException {
        if (ahs.length > 0 && opcode != Opcode.SCSI_COMMAND) {
            throw new MalformedPduException(RejectReason.INVALID_PDU_FIELD, "AHS on " + opcode);
        }
        boolean noData = data.readableBytes() == 0;
        return switch (opcode) {
            case NOP_OUT -> NopOut.decode(h, data);
            case SCSI_COMMAND -> ScsiCommand.decode(h, ahs, data);
            case TASK_MGMT_REQUEST -> noDataAllowed(noData, TaskMgmtRequest.decode(h));
            case LOGIN_REQUEST -> LoginRequest.decode(h, data);
            case TEXT_REQUEST -> TextRequest.decode(h, data);
            case DATA_OUT -> DataOut.decode(h, data);
            case LOGOUT_REQUEST -> noDataAllowed(noData, LogoutRequest.decode(h));
            case SNACK_REQUEST -> noDataAllowed(noData, SnackRequest.decode(h));
            case NOP_IN -> NopIn.decode(h, data);
            case SCSI_RESPONSE -> ScsiResponse.decode(h, data);
            case TASK_MGMT_RESPONSE -> noDataAllowed(noData, TaskMgmtResponse.decode(h));
            case LOGIN_RESPONSE -> LoginResponse.decode(h, data);
            case TEXT_RESPONSE -> TextResponse.decode(h, data);
            case DATA_IN -> DataIn.decode(h, data);
            case LOGOUT_RESPONSE -> noDataAllowed(noData, LogoutResponse.decode(h));
            case R2T -> noDataAllowed(noData, R2t.decode(h));
            case ASYNC_MESSAGE -> AsyncMessage.decode(h, data);
            case REJECT -> Reject.decode(h, data);
        };
    }

    private static Pdu noDataAllowed(boolean noData, Pdu pdu) throws MalformedPduException {
        if (!noData) {
            throw new MalformedPduException(RejectReason.PROTOCOL_ERROR, pdu.opcode() + " carries no data segment");
        }
        return pdu;
    }

    /**
     * Encodes a PDU: BHS, AHS, header digest, data, padding, data digest. The PDU's data is
     * transferred into the result (not copied, not released).
     *
     * @param pdu the PDU
     * @param alloc allocator
     * @param headerDigest CRC32C header digest on
     * @param dataDigest CRC32C data digest on
     * @return the wire bytes
     */
    public static ByteBuf encode(Pdu pdu, ByteBufAllocator alloc, boolean headerDigest, boolean dataDigest) {
        ByteBuf data = pdu.data();
        int dsl = data.readableBytes();
        byte[] h = pdu.header();
        byte[] ahs = pdu.ahs();
        ByteBuf head = alloc.directBuffer(Bhs.LENGTH + ahs.length + Digests.LENGTH);
        head.writeBytes(h).writeBytes(ahs);
        if (headerDigest) {
            Digests.write(head, Digests.crc(h, ahs));
        }
        if (dsl == 0) {
            data.release();
            return head;
        }
        int pad = Bhs.pad(dsl);
        CompositeByteBuf out = alloc.compositeDirectBuffer(3);
        out.addComponent(true, head);
        int crc = dataDigest ? Digests.crc(data, pad) : 0;
        out.addComponent(true, data);
        if (pad > 0 || dataDigest) {
            ByteBuf tail = alloc.directBuffer(pad + Digests.LENGTH);
            tail.writeZero(pad);
            if (dataDigest) {
                Digests.write(tail, crc);
            }
            out.addComponent(true, tail);
        }
        return out;
    }
}
