package org.jstgt.benchmarks.mcs;

import java.util.concurrent.CountDownLatch;

/**
 * One SCSI command in flight. Load commands only count their Data-In bytes; a probe (READ
 * CAPACITY before the load) keeps its data and status for the thread that waits on it.
 */
final class McsTask {
    final int itt;
    final McsConnection connection;
    final String what;
    final boolean write;
    final int expectedLength;
    final long startNanos = System.nanoTime();
    /** Data-In bytes received so far (the connection's reader only). */
    int received;

    // probes only
    final byte[] data;
    final CountDownLatch done;
    volatile int status = -1;
    volatile byte[] sense = new byte[0];

    McsTask(int itt, McsConnection connection, String what, boolean write, int expectedLength, boolean probe) {
        this.itt = itt;
        this.connection = connection;
        this.what = what;
        this.write = write;
        this.expectedLength = expectedLength;
        this.data = probe ? new byte[expectedLength] : null;
        this.done = probe ? new CountDownLatch(1) : null;
    }

    boolean probe() {
        return done != null;
    }
}
