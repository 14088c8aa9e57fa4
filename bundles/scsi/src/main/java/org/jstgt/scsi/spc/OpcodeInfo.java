package org.jstgt.scsi.spc;

import java.util.Arrays;

import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ReservationClass;

/**
 * What a device says about one command it supports: enough to dispatch it and to answer REPORT
 * SUPPORTED OPERATION CODES (SPC-4 §6.35).
 *
 * @param opcode OPERATION CODE (byte 0)
 * @param serviceAction SERVICE ACTION (byte 1 bits 4-0), or -1 when the opcode has none
 * @param name the command name as the standard spells it
 * @param cdbLength CDB length in bytes; its last byte is the CONTROL byte
 * @param direction data direction when the command transfers data
 * @param allowedWithUnitAttention true when a pending unit attention does not stop it (SAM-5 §5.14)
 * @param reservation its class against persistent reservations (for a command whose class depends on
 *     its CDB, the strictest; {@link OpcodeTable#reservationClass} decides per CDB)
 * @param usageData CDB USAGE DATA (SPC-4 §6.35.3): byte 0 the opcode, then a mask per byte of the
 *     bits the device looks at; {@code cdbLength} bytes
 */
public record OpcodeInfo(int opcode, int serviceAction, String name, int cdbLength, DataDirection direction,
        boolean allowedWithUnitAttention, ReservationClass reservation, byte[] usageData) {

    public OpcodeInfo {
        if (opcode < 0 || opcode > 0xFF) {
            throw new IllegalArgumentException("opcode " + opcode + " is not 0..255");
        }
        if (serviceAction < -1 || serviceAction > 0x1F) {
            throw new IllegalArgumentException("service action " + serviceAction + " is not -1 or 0..31");
        }
        if (cdbLength != 6 && cdbLength != 10 && cdbLength != 12 && cdbLength != 16) {
            throw new IllegalArgumentException("CDB length " + cdbLength + " is not 6, 10, 12 or 16");
        }
        if (usageData.length != cdbLength) {
            throw new IllegalArgumentException(name + ": usage data has " + usageData.length + " bytes, CDB "
                    + cdbLength);
        }
        usageData = usageData.clone();
        usageData[0] = (byte) opcode;
        if (serviceAction >= 0) {
            usageData[1] = (byte) ((usageData[1] & 0xE0) | serviceAction);
        }
    }

    /** @return true when the opcode is qualified by a service action */
    public boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    /** @return a copy of the CDB usage data */
    @Override
    public byte[] usageData() {
        return usageData.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpcodeInfo i && i.opcode == opcode && i.serviceAction == serviceAction
                && i.name.equals(name) && i.cdbLength == cdbLength && i.direction == direction
                && i.allowedWithUnitAttention == allowedWithUnitAttention && i.reservation == reservation
                && Arrays.equals(i.usageData, usageData);
    }

    @Override
    public int hashCode() {
        return (opcode << 8) ^ serviceAction ^ name.hashCode();
    }

    @Override
    public String toString() {
        return String.format(hasServiceAction() ? "%s (%02Xh/%02Xh)" : "%s (%02Xh)", name, opcode, serviceAction);
    }
}
