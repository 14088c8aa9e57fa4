package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiResult;
import org.jstgt.scsi.pr.PrIn;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.PrCdbs;
import org.junit.jupiter.api.Test;

/**
 * SPC-2 RESERVE and RELEASE through the core, as libiscsi's test_reserve6_* expect: released by
 * the holder, by the loss of its I_T nexus, by a LOGICAL UNIT RESET and a target reset, while
 * persistent reservations survive those.
 */
class Spc2ReservationTest extends TwoNexuses {

    /** TEST UNIT READY until GOOD, as libiscsi's test_iscsi_tur_until_good: the resets' unit attentions go. */
    private static void clearUnitAttentions(Nexus n) throws Exception {
        for (int i = 0; i < 4 && run(n, Tasks.testUnitReady(0)).status() != 0; i++) {
            // each CHECK CONDITION reported one
        }
        assertGood(run(n, Tasks.testUnitReady(0)));
    }


    private static FakeScsiTask cdb(byte[] cdb) {
        return Tasks.task(0, 0, cdb);
    }

    @Test
    void reserveConflictsForOthersAndTheirReleaseDoesNothing() throws Exception {
        assertGood(run(a, cdb(PrCdbs.reserve6())));
        assertGood(run(a, cdb(PrCdbs.reserve6())));
        assertConflict(run(b, cdb(PrCdbs.reserve6())));
        assertConflict(run(b, cdb(PrCdbs.reserve10())));
        assertGood(run(b, cdb(PrCdbs.release6())));
        assertConflict(run(b, Tasks.read10(0, 1, 1)));
        assertConflict(run(b, Tasks.testUnitReady(0)));
        assertGood(run(b, Tasks.inquiry(0, 36)));
        assertGood(run(a, Tasks.write10(0, 1, new byte[512])));
        // PERSISTENT RESERVE IN conflicts whoever sends it
        assertConflict(run(a, Tasks.prIn(PrIn.READ_KEYS, 64)));
        assertConflict(register(b, 0, 0xBB));
        assertGood(run(a, cdb(PrCdbs.release10())));
        assertGood(run(b, cdb(PrCdbs.reserve6())));
        assertGood(run(b, cdb(PrCdbs.release6())));
    }

    @Test
    void badCdbIsAnInvalidField() throws Exception {
        ScsiResult r = run(a, cdb(new byte[] {0x56, 0x10, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertSense(r, SenseReason.INVALID_FIELD_IN_CDB);
        assertFieldPointer(r.sense(), true, 1, 4);
    }

    @Test
    void lossOfTheHoldersNexusReleases() throws Exception {
        assertGood(run(a, cdb(PrCdbs.reserve6())));
        b.close();
        Nexus b2 = other(h);
        assertConflict(run(b2, cdb(PrCdbs.reserve6())));
        a.close();
        assertGood(run(b2, cdb(PrCdbs.reserve6())));
    }

    @Test
    void logicalUnitResetReleases() throws Exception {
        assertGood(run(a, cdb(PrCdbs.reserve6())));
        assertTrue(a.resetLogicalUnit(0).toCompletableFuture().get(10, TimeUnit.SECONDS));
        clearUnitAttentions(b);
        assertGood(run(b, cdb(PrCdbs.reserve6())));
    }

    @Test
    void targetResetReleases() throws Exception {
        assertGood(run(a, cdb(PrCdbs.reserve6())));
        b.resetTarget().toCompletableFuture().get(10, TimeUnit.SECONDS);
        clearUnitAttentions(b);
        assertGood(run(b, cdb(PrCdbs.reserve6())));
    }

    @Test
    void persistentReservationsSurviveResetsAndNexusLoss() throws Exception {
        assertGood(register(a, 0, 0xAA));
        assertGood(reserve(a, 0xAA, EA));
        a.resetLogicalUnit(0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.resetTarget().toCompletableFuture().get(10, TimeUnit.SECONDS);
        a.close();
        clearUnitAttentions(b);
        assertConflict(run(b, Tasks.read10(0, 1, 1)));
        // registrations make RESERVE conflict (SPC-4 §5.13.3)
        assertConflict(run(b, cdb(PrCdbs.reserve6())));
        assertEquals("EA", h.manager.managementView().reservations("d0").orElseThrow().type());
    }
}
