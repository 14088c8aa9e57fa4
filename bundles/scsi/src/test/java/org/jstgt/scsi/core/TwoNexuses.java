package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.pr.PrOutRequest;
import org.jstgt.testkit.PrCdbs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * LUN d0 at number 0 of the harness target, seen by two nexuses of two initiators ({@code a}, the
 * harness's, and {@code b}, {@link #OTHER}'s), their power-on unit attentions consumed; and the
 * reservation commands they send.
 */
abstract class TwoNexuses {
    static final String OTHER = "iqn.2026-01.org.test:other";
    static final int WE = 0x01;
    static final int EA = 0x03;
    static final int WE_RO = 0x05;
    Harness h;
    Nexus a;
    Nexus b;

    @BeforeEach
    void start() throws Exception {
        h = disk(new Harness(15_000));
        a = h.quietNexus(0);
        b = other(h);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** The harness with LUN d0 at number 0 of its target. */
    static Harness disk(Harness h) {
        h.withProviders();
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        return h;
    }

    /** @return a nexus of another initiator ({@link #OTHER}), its power-on unit attention consumed */
    static Nexus other(Harness h) throws Exception {
        return quiet(h.manager.target(IQN).orElseThrow().openNexus(OTHER, OTHER + ",i,0x1", IQN + ",t,0x1", 1), 0);
    }

    static Nexus quiet(Nexus n, int lun) throws Exception {
        run(n, Tasks.requestSense(lun, false, 18));
        return n;
    }

    static ScsiResult out(Nexus n, int sa, int type, byte[] list) throws Exception {
        return run(n, Tasks.prOut(sa, type, list));
    }

    static ScsiResult register(Nexus n, long key, long saKey) throws Exception {
        return out(n, PrOutRequest.REGISTER, 0, PrCdbs.basic(key, saKey, 0));
    }

    static ScsiResult reserve(Nexus n, long key, int type) throws Exception {
        return out(n, PrOutRequest.RESERVE, type, PrCdbs.basic(key, 0, 0));
    }

    static void assertConflict(ScsiResult r) {
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, r.status(), () -> "status " + r.status());
    }
}
