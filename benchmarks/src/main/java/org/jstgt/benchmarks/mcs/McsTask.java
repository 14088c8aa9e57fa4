package org.jstgt.benchmarks.mcs;

import java.util.concurrent.CountDownLatch;

/**
 * One SCSI command in flight. A load command belongs to a slot (one of the queue depth's streams)
 * and goes back to the load's {@link McsSource} when it ends; a probe (READ CAPACITY, INQUIRY, the
 * first command of a load that may be refused) has no slot and keeps its data, status and sense
 * for the thread that waits on it.
 */
final class McsTask {
    final int itt;
    final McsConnection connection;
    final McsCommand command;
    final String what;
    final boolean write;
    final int expectedLength;
    /** The load slot, or -1 for a probe. */
    final int slot;
    final long startNanos = System.nanoTime();
    /** Data-In bytes received so far (the connection's reader only). */
    int received;

    final byte[] data;
    final CountDownLatch done;
    volatile int status = -1;
    volatile byte[] sense = new byte[0];

    McsTask(int itt, McsConnection connection, McsCommand command, int slot, boolean probe) {
        this.itt = itt;
        this.connection = connection;
        this.command = command;
        this.what = command.what();
        this.write = command.writes();
        this.expectedLength = command.expectedLength();
        this.slot = slot;
        this.data = command.dataIn();
        this.done = probe ? new CountDownLatch(1) : null;
    }

    boolean probe() {
        return done != null;
    }

    /** @return the status with its sense key and ASC/ASCQ, for messages */
    String outcome() {
        return McsSense.describe(status, sense);
    }
}
