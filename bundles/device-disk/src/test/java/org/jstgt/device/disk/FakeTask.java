package org.jstgt.device.disk;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;

/** A task with a CDB padded to 16 bytes as iSCSI delivers it, and heap buffers. */
final class FakeTask implements ScsiTask {
    final Cdb cdb;
    ByteBuffer dataIn;
    ByteBuffer dataOut = ByteBuffer.allocate(0);
    String targetName = "iqn.2026-11.org.jstgt:t1";
    String targetPortName = "iqn.2026-11.org.jstgt:t1,t,0x1";
    int relativeTargetPortId = 1;
    int targetPortGroup = 0;

    FakeTask(int... cdb) {
        byte[] b = new byte[Math.max(16, cdb.length)];
        for (int i = 0; i < cdb.length; i++) {
            b[i] = (byte) cdb[i];
        }
        this.cdb = new Cdb(b);
    }

    /** @return a copy with CDB byte {@code i} set (CONTROL, PMI, ...) */
    FakeTask withControl(int i, int value) {
        byte[] b = cdb.toByteArray();
        b[i] = (byte) value;
        int[] c = new int[b.length];
        for (int k = 0; k < b.length; k++) {
            c[k] = b[k] & 0xFF;
        }
        FakeTask t = new FakeTask(c);
        t.dataOut = dataOut;
        return t;
    }

    /** @return the first {@code n} Data-In bytes */
    byte[] in(int n) {
        return Arrays.copyOf(dataIn.array(), (int) n);
    }

    @Override
    public int lun() {
        return 0;
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
        return 65536;
    }

    @Override
    public ByteBuffer dataOut() {
        return dataOut;
    }

    @Override
    public ByteBuffer dataIn(int length) {
        if (dataIn != null) {
            throw new IllegalStateException("dataIn allocated twice");
        }
        dataIn = ByteBuffer.allocate(length);
        return dataIn;
    }

    @Override
    public String initiatorPortName() {
        return "iqn.2026-11.org.jstgt:init,i,0x000000000001";
    }

    @Override
    public String initiatorName() {
        return "iqn.2026-11.org.jstgt:init";
    }

    @Override
    public String targetName() {
        return targetName;
    }

    @Override
    public String targetPortName() {
        return targetPortName;
    }

    @Override
    public int relativeTargetPortId() {
        return relativeTargetPortId;
    }

    @Override
    public int targetPortGroup() {
        return targetPortGroup;
    }
}
