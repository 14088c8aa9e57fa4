package org.jstgt.scsi.core;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;

/**
 * A task whose Data-Out is cut to the length the device parsed, so that the device never sees
 * more than {@code transferLength()} bytes (the initiator sent data for a different guess).
 */
final class SlicedTask implements ScsiTask {
    private final ScsiTask task;
    private final int length;

    SlicedTask(ScsiTask task, int length) {
        this.task = task;
        this.length = length;
    }

    @Override
    public ByteBuffer dataOut() {
        return task.dataOut().slice(0, length);
    }

    @Override
    public int lun() {
        return task.lun();
    }

    @Override
    public Cdb cdb() {
        return task.cdb();
    }

    @Override
    public TaskAttribute attribute() {
        return task.attribute();
    }

    @Override
    public DataDirection declaredDirection() {
        return task.declaredDirection();
    }

    @Override
    public Executor executor() {
        return task.executor();
    }

    @Override
    public int expectedTransferLength() {
        return task.expectedTransferLength();
    }

    @Override
    public ByteBuffer dataIn(int capacity) {
        return task.dataIn(capacity);
    }

    @Override
    public CompletionStage<Void> sendDataIn(ByteBuffer data) {
        return task.sendDataIn(data);
    }

    @Override
    public String initiatorPortName() {
        return task.initiatorPortName();
    }

    @Override
    public String initiatorName() {
        return task.initiatorName();
    }

    @Override
    public String targetName() {
        return task.targetName();
    }

    @Override
    public String targetPortName() {
        return task.targetPortName();
    }

    @Override
    public int relativeTargetPortId() {
        return task.relativeTargetPortId();
    }

    @Override
    public int targetPortGroup() {
        return task.targetPortGroup();
    }
}
