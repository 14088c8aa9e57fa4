package org.jstgt.benchmarks.mcs;

import java.util.Locale;

/** Reads a SCSI status and its sense data, fixed or descriptor format (SPC-4 §4.4). */
final class McsSense {
    static final int GOOD = 0x00;
    static final int CHECK_CONDITION = 0x02;
    static final int ILLEGAL_REQUEST = 0x5;
    static final int MISCOMPARE = 0xe;

    private McsSense() {
    }

    /** @return the sense key, or -1 without sense data */
    static int key(byte[] sense) {
        if (sense.length >= 3 && (sense[0] & 0x7e) == 0x70) {
            return sense[2] & 0x0f;
        }
        return sense.length >= 2 && (sense[0] & 0x7e) == 0x72 ? sense[1] & 0x0f : -1;
    }

    /** @return ASC << 8 | ASCQ, or -1 without them */
    static int code(byte[] sense) {
        if (sense.length >= 14 && (sense[0] & 0x7e) == 0x70) {
            return (sense[12] & 0xff) << 8 | sense[13] & 0xff;
        }
        return sense.length >= 4 && (sense[0] & 0x7e) == 0x72 ? (sense[2] & 0xff) << 8 | sense[3] & 0xff : -1;
    }

    /** @return a SCSI status with its sense key and additional sense code, when there is sense data */
    static String describe(int status, byte[] sense) {
        String s = String.format(Locale.ROOT, "0x%02x", status);
        int code = code(sense);
        if (code >= 0) {
            s += String.format(Locale.ROOT, " sense key 0x%x ASC/ASCQ %02x/%02x", key(sense), code >> 8, code & 0xff);
        }
        return s + switch (code) {
            case 0x2000 -> " (INVALID COMMAND OPERATION CODE)";
            case 0x2400 -> " (INVALID FIELD IN CDB)";
            case 0x2600 -> " (INVALID FIELD IN PARAMETER LIST)";
            case 0x1a00 -> " (PARAMETER LIST LENGTH ERROR)";
            case 0x1d00 -> " (MISCOMPARE DURING VERIFY OPERATION)";
            default -> "";
        };
    }

    /**
     * @return why the target refused a command, when it did: CHECK CONDITION with ILLEGAL REQUEST
     *     (INVALID COMMAND OPERATION CODE from a target without the command; INVALID FIELD IN CDB or
     *     IN PARAMETER LIST from one that does not take this form of it); else null
     */
    static String refusal(McsTask t) {
        return t.status == CHECK_CONDITION && key(t.sense) == ILLEGAL_REQUEST ? t.outcome() : null;
    }
}
