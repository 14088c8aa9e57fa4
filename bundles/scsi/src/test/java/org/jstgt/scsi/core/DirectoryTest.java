package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.UnitLease;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leases by NAA identifier for EXTENDED COPY: only within the asking command's target, and they hold the unit open. */
class DirectoryTest {
    private Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    private long naa(String lun) {
        return h.manager.lun(lun).config.naaId();
    }

    private void start() {
        h = new Harness(15_000).withProviders();
        h.lun("d0");
        h.lun("d1");
        h.lun("other");
        h.target("t1", "lun.0", "d0", "lun.7", "d1");
        h.manager.targetUpdated("pid-target-t2", targetProps("t2", "iqn", "iqn.2026-11.org.jstgt:t2", "lun.0", "other"));
    }

    @Test
    void findsAUnitOfTheSameTargetByItsIdentifier() {
        start();
        FakeScsiTask task = Tasks.testUnitReady(0);
        try (UnitLease lease = h.manager.directory().lease(task, naa("d1")).orElseThrow()) {
            assertEquals(7, lease.lun());
            assertEquals("d1", lease.spec().name());
            assertSame(h.manager.lun("d1").handle().unit, lease.unit());
        }
        assertEquals(Optional.empty(), h.manager.directory().lease(task, naa("d1") ^ 1), "unknown identifier");
    }

    @Test
    void neverReachesAUnitOfAnotherTarget() {
        start();
        assertEquals(Optional.empty(), h.manager.directory().lease(Tasks.testUnitReady(0), naa("other")));
    }

    @Test
    void aLeaseHoldsTheUnitOpenUntilClosed() throws Exception {
        start();
        UnitLease lease = h.manager.directory().lease(Tasks.testUnitReady(0), naa("d1")).orElseThrow();
        UnitHandle held = h.manager.lun("d1").handle();
        CompletableFuture<Void> drained = held.beginClose();
        assertFalse(drained.isDone(), "the unit does not close under a lease");
        lease.close();
        lease.close();
        drained.get(5, TimeUnit.SECONDS);
        assertEquals(0, held.inFlight());
    }

    @Test
    void aRemovedLunIsNoLongerFound() {
        start();
        long id = naa("d1");
        h.manager.lunDeleted("pid-lun-d1");
        assertEquals(Optional.empty(), h.manager.directory().lease(Tasks.testUnitReady(0), id));
        assertEquals(Optional.empty(), h.manager.directory().unit("d1"));
        assertTrue(h.manager.directory().unit("d0").isPresent());
    }
}
