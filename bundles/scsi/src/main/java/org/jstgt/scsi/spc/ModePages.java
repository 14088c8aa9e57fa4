package org.jstgt.scsi.spc;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.scsi.sense.SenseFormat;

/** Mode pages every device type shares (SPC-4 §7.5). */
public final class ModePages {
    /** Control mode page code (SPC-4 §7.5.8). */
    public static final int CONTROL = 0x0A;
    /** Informational Exceptions Control mode page code (SPC-4 §7.5.13). */
    public static final int INFORMATIONAL_EXCEPTIONS = 0x1C;
    /** D_SENSE in parameter byte 0 (page byte 2) of the Control mode page. */
    public static final int D_SENSE = 0x04;
    /** Control mode page byte 5 (offset 3 of its parameters): TASK ABORTED STATUS (SPC-4 §7.5.8). */
    static final int TAS = 0x40;

    private ModePages() {
    }

    /**
     * Whether the LUN reports descriptor format sense ({@code sense.format = descriptor}), which the
     * Control page's D_SENSE bit must announce.
     *
     * @param spec the LUN
     * @return true for descriptor format
     * @throws ConfigException naming {@code sense.format} when the value is neither fixed nor descriptor
     */
    public static boolean descriptorSense(LunSpec spec) throws ConfigException {
        return SenseFormat.parse(spec.properties().get(SenseFormat.KEY)) == SenseFormat.DESCRIPTOR;
    }

    /**
     * Control mode page (SPC-4 §7.5.8, table 457) as jstgt behaves: TST 000b (one task set shared
     * by all I_T nexuses), D_SENSE per LUN, GLTSD 1 (no log parameters are saved), QUEUE ALGORITHM
     * MODIFIER 1 (simple tasks may be reordered: stores complete out of order), QERR 00b, SWP 0,
     * TAS 1 (a command aborted by another I_T nexus's action completes with TASK ABORTED status, as
     * the core does), BUSY TIMEOUT PERIOD 0 (undefined). Not changeable.
     *
     * @param descriptorSense D_SENSE
     * @return the page
     */
    public static ModePage control(boolean descriptorSense) {
        byte[] p = controlParameters(descriptorSense);
        return ModePage.fixed(CONTROL, p::clone);
    }

    /**
     * The Control mode page of {@link #control(boolean)} with D_SENSE changeable and saveable: a
     * MODE SELECT switches the unit's sense data format (SPC-4 §4.5.1).
     *
     * @param descriptorSense the default D_SENSE
     * @return the page's values
     */
    public static ModeValues changeableControl(boolean descriptorSense) {
        byte[] mask = new byte[10];
        mask[0] = D_SENSE;
        return new ModeValues(CONTROL, 0, controlParameters(descriptorSense), mask);
    }

    private static byte[] controlParameters(boolean descriptorSense) {
        byte[] p = new byte[10];
        // byte 2 (p[0]): TST (7-5), TMF_ONLY (4), DPICZ (3), D_SENSE (2), GLTSD (1), RLEC (0)
        p[0] = (byte) ((descriptorSense ? D_SENSE : 0) | 0x02);
        // byte 3: QUEUE ALGORITHM MODIFIER (7-4), NUAR (3), QERR (2-1)
        p[1] = 0x10;
        // byte 5: ATO (7), TAS (6), ATMPE (5), RWWP (4), SBLP (3), AUTOLOAD MODE (2-0)
        p[3] = TAS;
        return p;
    }

    /**
     * Informational Exceptions Control mode page (SPC-4 §7.5.13): DEXCPT 1 (no failure
     * prediction), MRIE 0. Not changeable.
     *
     * @return the page
     */
    public static ModePage informationalExceptions() {
        byte[] p = informationalExceptionsParameters();
        return ModePage.fixed(INFORMATIONAL_EXCEPTIONS, p::clone);
    }

    /**
     * The Informational Exceptions Control mode page of {@link #informationalExceptions()},
     * saveable (its saved values are its defaults: nothing in it is changeable).
     *
     * @return the page's values
     */
    public static ModeValues saveableInformationalExceptions() {
        return new ModeValues(INFORMATIONAL_EXCEPTIONS, 0, informationalExceptionsParameters(), new byte[10]);
    }

    private static byte[] informationalExceptionsParameters() {
        byte[] p = new byte[10];
        // byte 2: PERF (7), EBF (5), EWASC (4), DEXCPT (3), TEST (2), EBACKERR (1), LOGERR (0)
        p[0] = 0x08;
        return p;
    }
}
