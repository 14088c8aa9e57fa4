package org.jstgt.scsi.core;

import java.nio.ByteBuffer;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;

/** A task as a fabric would build it. */
final class FakeTask implements ScsiTask {
    final int lun;
    final Cdb cdb;
    final int edtl;
    ByteBuffer out;
    ByteBuffer in;

    FakeTask(int lun, int edtl, int... cdb) {
        this.lun = lun;
        this.edtl = edtl;
        byte[] b = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++) {
            b[i] = (byte) cdb[i];
        }
        this.cdb = new Cdb(b);
    }

    FakeTask withData(byte[] data) {
        out = ByteBuffer.wrap(data);
        return this;
    }

    byte[] dataInBytes(int n) {
        byte[] b = new byte[n];
        in.duplicate().position(0).get(b);
        return b;
    }

    static FakeTask testUnitReady(int lun) {
        return new FakeTask(lun, 0, 0x00, 0, 0, 0, 0, 0);
    }

    static FakeTask read10(int lun, int lba, int blocks) {
        return new FakeTask(lun, blocks * 512, 0x28, 0, lba >>> 24, lba >>> 16, lba >>> 8, lba, 0, blocks >>> 8, blocks, 0);
    }

    static FakeTask write10(int lun, int lba, byte[] data) {
        int blocks = data.length / 512;
        return new FakeTask(lun, data.length, 0x2A, 0, lba >>> 24, lba >>> 16, lba >>> 8, lba, 0, blocks >>> 8, blocks, 0)
                .withData(data);
    }

    static FakeTask reportLuns(int select, int alloc) {
        return new FakeTask(0, alloc, 0xA0, 0, select, 0, 0, 0, alloc >>> 24, alloc >>> 16, alloc >>> 8, alloc, 0, 0);
    }

    static FakeTask requestSense(int lun, boolean desc, int alloc) {
        return new FakeTask(lun, alloc, 0x03, desc ? 1 : 0, 0, 0, alloc, 0);
    }

    static FakeTask inquiry(int lun, int alloc) {
        return new FakeTask(lun, alloc, 0x12, 0, 0, alloc >>> 8, alloc, 0);
    }

    @Override
    public int lun() {
        return lun;
    }

    @Override
    public Cdb cdb() {
        return cdb;
    }

    @Override
    public TaskAttribute attribute() {
        return TaskAttribute.SIMPLE;
    }

    @Override
    public int expectedTransferLength() {
        return edtl;
    }

    @Override
    public ByteBuffer dataOut() {
        return out.duplicate();
    }

    @Override
    public ByteBuffer dataIn(int length) {
        if (in != null) {
            throw new IllegalStateException("dataIn twice");
        }
        in = ByteBuffer.allocate(length);
        return in;
    }

    @Override
    public String initiatorPortName() {
        return "iqn.2026-01.org.test:init,i,0x1";
    }

    @Override
    public String initiatorName() {
        return "iqn.2026-01.org.test:init";
    }

    @Override
    public String targetName() {
        return "iqn.2026-11.org.jstgt:t1";
    }

    @Override
    public String targetPortName() {
        return "iqn.2026-11.org.jstgt:t1,t,0x1";
    }

    @Override
    public int relativeTargetPortId() {
        return 1;
    }

    @Override
    public int targetPortGroup() {
        return 0;
    }
}
