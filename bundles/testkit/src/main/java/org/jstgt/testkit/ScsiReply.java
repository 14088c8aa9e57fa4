package org.jstgt.testkit;

import java.util.HexFormat;
import java.util.Optional;

import org.jstgt.api.scsi.ScsiStatus;

/**
 * The outcome of one SCSI command over iSCSI (RFC 7143 §11.4 SCSI Response, or the status carried
 * by the final Data-In PDU, §11.7.4).
 *
 * @param response iSCSI Response field (0 = command completed at target)
 * @param status SAM status
 * @param senseBytes sense data, empty when none
 * @param data Data-In bytes received (up to the highest offset written)
 * @param residualOverflow the O bit: the target had more data than the expected length
 * @param residualUnderflow the U bit: less data was transferred than expected
 * @param residualCount the Residual Count field
 */
public record ScsiReply(int response, int status, byte[] senseBytes, byte[] data, boolean residualOverflow,
        boolean residualUnderflow, int residualCount) {

    /** @return parsed sense, when sense data came with the reply */
    public Optional<Sense> sense() {
        return senseBytes.length == 0 ? Optional.empty() : Optional.of(Sense.parse(senseBytes));
    }

    /** @return true when the command completed at the target with GOOD status */
    public boolean good() {
        return response == 0 && status == ScsiStatus.GOOD;
    }

    /**
     * @return this reply
     * @throws AssertionError when the status is not GOOD, with the sense in the message
     */
    public ScsiReply assertGood() {
        if (!good()) {
            throw new AssertionError("expected GOOD but got " + this);
        }
        return this;
    }

    /**
     * @param status a SAM status
     * @return a readable name
     */
    public static String statusName(int status) {
        return switch (status) {
            case ScsiStatus.GOOD -> "GOOD";
            case ScsiStatus.CHECK_CONDITION -> "CHECK CONDITION";
            case ScsiStatus.CONDITION_MET -> "CONDITION MET";
            case ScsiStatus.BUSY -> "BUSY";
            case ScsiStatus.RESERVATION_CONFLICT -> "RESERVATION CONFLICT";
            case ScsiStatus.TASK_SET_FULL -> "TASK SET FULL";
            case ScsiStatus.ACA_ACTIVE -> "ACA ACTIVE";
            case ScsiStatus.TASK_ABORTED -> "TASK ABORTED";
            default -> String.format("status %02Xh", status);
        };
    }

    @Override
    public String toString() {
        String sense;
        try {
            sense = sense().map(Sense::toString).orElse("no sense");
        } catch (IllegalArgumentException e) {
            sense = "unparseable sense " + HexFormat.of().formatHex(senseBytes);
        }
        return "ScsiReply[response=" + response + " " + statusName(status) + ", " + sense + ", " + data.length
                + " data bytes" + (residualOverflow ? ", overflow " + residualCount : "")
                + (residualUnderflow ? ", underflow " + residualCount : "") + "]";
    }
}
