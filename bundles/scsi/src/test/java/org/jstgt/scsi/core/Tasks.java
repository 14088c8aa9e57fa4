package org.jstgt.scsi.core;

import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.PrCdbs;

/**
 * Tasks as the fabric of {@link Harness#nexus} would build them: the initiator is the one the
 * harness opens its nexus for, the CDB is exactly as long as its command (no iSCSI padding).
 */
final class Tasks {
    private Tasks() {
    }

    static FakeScsiTask task(int lun, int edtl, int... cdb) {
        return FakeScsiTask.builder().lun(lun).expectedTransferLength(edtl).cdb(cdb)
                .initiator(Harness.INITIATOR, Harness.INITIATOR_PORT).build();
    }

    static FakeScsiTask task(int lun, int edtl, byte[] cdb) {
        return FakeScsiTask.builder().lun(lun).expectedTransferLength(edtl).cdb(cdb)
                .initiator(Harness.INITIATOR, Harness.INITIATOR_PORT).build();
    }

    static FakeScsiTask testUnitReady(int lun) {
        return task(lun, 0, Cdbs.testUnitReady());
    }

    static FakeScsiTask read10(int lun, int lba, int blocks) {
        return task(lun, blocks * 512, Cdbs.read10(lba, blocks));
    }

    static FakeScsiTask write10(int lun, int lba, byte[] data) {
        return task(lun, data.length, Cdbs.write10(lba, data.length / 512)).withDataOut(data);
    }

    static FakeScsiTask reportLuns(int select, int alloc) {
        return task(0, alloc, Cdbs.reportLuns(select, alloc));
    }

    static FakeScsiTask requestSense(int lun, boolean desc, int alloc) {
        return task(lun, alloc, Cdbs.requestSense(alloc, desc));
    }

    static FakeScsiTask inquiry(int lun, int alloc) {
        return task(lun, alloc, Cdbs.inquiry(false, 0, alloc));
    }

    /** PERSISTENT RESERVE OUT on LUN 0 with its parameter list. */
    static FakeScsiTask prOut(int serviceAction, int type, byte[] list) {
        return task(0, list.length, PrCdbs.persistentReserveOut(serviceAction, type, list.length)).withDataOut(list);
    }

    /** PERSISTENT RESERVE IN on LUN 0. */
    static FakeScsiTask prIn(int serviceAction, int alloc) {
        return task(0, alloc, PrCdbs.persistentReserveIn(serviceAction, alloc));
    }
}
