package org.jstgt.scsi.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.function.Executable;

/** Sense expectations. */
final class Expect {
    private Expect() {
    }

    static ScsiException sense(SenseReason reason, int fieldByte, int fieldBit, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertEquals(reason, x.reason(), x.getMessage());
        assertEquals(fieldByte, x.fieldByte(), "field pointer byte");
        assertEquals(fieldBit, x.fieldBit(), "field pointer bit");
        if (fieldByte >= 0) {
            assertTrue(x.fieldInCdb(), "field pointer in CDB");
        }
        return x;
    }

    static ScsiException invalidField(int fieldByte, int fieldBit, Executable e) {
        return sense(SenseReason.INVALID_FIELD_IN_CDB, fieldByte, fieldBit, e);
    }

    /** Runs a descriptor and returns the number of Data-In bytes. */
    static int run(CommandDescriptor d, FakeScsiTask t) {
        CompletionStage<Integer> s = d.execute(t);
        return s.toCompletableFuture().join();
    }
}
