package org.jstgt.iscsi.task;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jstgt.api.scsi.ScsiException;
import org.junit.jupiter.api.Test;

/** What the SCSI core makes of a Data-In buffer the fabric refused. */
class OverloadTest {

    /**
     * The core (scsi's Execution.failure) looks for a ScsiException under completion exceptions
     * and fails the command quietly; anything else it logs at ERROR as a device failure, once per
     * command: a peer sending READs beyond read.buffer.max must not be able to flood the log so.
     */
    private static Throwable asTheCoreSeesIt(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    @Test
    void aRefusedDataInBufferIsAScsiErrorToTheCoreNotADeviceFailure() {
        Overload.NoBuffer refused = new Overload.NoBuffer(1 << 20);
        assertInstanceOf(ScsiException.class, asTheCoreSeesIt(refused), "thrown where the device asked");
        // thrown inside a device's completion chain (a disk allocates Data-In in its read's stage)
        CompletableFuture<Object> chain = CompletableFuture.completedFuture(null).thenApply(v -> {
            throw refused;
        });
        Throwable e = chain.handle((v, err) -> err).join();
        assertInstanceOf(ScsiException.class, asTheCoreSeesIt(e), "as a failed stage");
    }
}
