package org.jstgt.device.changer;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

import org.jstgt.api.scsi.Cdb;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.TaskAttribute;

/**
 * Linux's {@code ch} driver still writes the LUN into byte 1 bits 7-5 of every CDB it sends
 * ({@code (lun & 7) << 5}), the LOGICAL UNIT NUMBER field of SCSI-2 that SPC-4 made obsolete or
 * reserved. For the commands it sends, those bits are ignored: the parsers see them cleared.
 */
final class ObsoleteLun {
    private ObsoleteLun() {
    }

    /**
     * @return true for the operation codes {@code ch} sends: MODE SENSE(6), INITIALIZE ELEMENT
     *     STATUS, POSITION TO ELEMENT, MOVE MEDIUM, EXCHANGE MEDIUM, READ ELEMENT STATUS, SEND
     *     VOLUME TAG
     */
    static boolean sentByCh(int opcode) {
        return switch (opcode) {
            case 0x1A, 0x07, 0x2B, 0xA5, 0xA6, 0xB8, 0xB6 -> true;
            default -> false;
        };
    }

    /** @return the task, or a view of it whose CDB has byte 1 bits 7-5 cleared */
    static ScsiTask strip(ScsiTask task) {
        Cdb cdb = task.cdb();
        if (!sentByCh(cdb.opcode()) || (cdb.u8(1) & 0xE0) == 0) {
            return task;
        }
        byte[] b = cdb.toByteArray();
        b[1] &= 0x1F;
        return new Stripped(task, new Cdb(b));
    }

    /** The task with another CDB. */
    private record Stripped(ScsiTask task, Cdb cdb) implements ScsiTask {
        @Override
        public int lun() {
            return task.lun();
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
        public ByteBuffer dataOut() {
            return task.dataOut();
        }

        @Override
        public ByteBuffer dataIn(int length) {
            return task.dataIn(length);
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

        @Override
        public int targetPortGroupSupport() {
            return task.targetPortGroupSupport();
        }
    }
}
