package org.jstgt.scsi.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionStage;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.CommandResult;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.function.Executable;

/** Sense expectations. */
public final class Expect {
    private Expect() {
    }

    public static ScsiException sense(SenseReason reason, int fieldByte, int fieldBit, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertTrue(x.sense().is(reason), "expected " + reason + ", got " + x.getMessage());
        int sks = x.sense().senseKeySpecific();
        // SPC-4 §4.5.2.4.2: byte 0 SKSV (7), C/D (6), BPV (3), BIT POINTER (2-0); bytes 1-2 FIELD POINTER
        int b0 = sks < 0 ? 0 : sks >>> 16;
        assertEquals(fieldByte, sks < 0 ? -1 : sks & 0xFFFF, "field pointer byte");
        assertEquals(fieldBit, (b0 & 0x08) != 0 ? b0 & 7 : -1, "field pointer bit");
        if (fieldByte >= 0) {
            assertTrue((b0 & 0x40) != 0, "field pointer in CDB");
        }
        return x;
    }

    /** A field pointer into the parameter list (C/D 0). */
    public static ScsiException inList(SenseReason reason, int fieldByte, int fieldBit, Executable e) {
        ScsiException x = assertThrows(ScsiException.class, e);
        assertTrue(x.sense().is(reason), "expected " + reason + ", got " + x.getMessage());
        int sks = x.sense().senseKeySpecific();
        assertTrue(sks >= 0, "field pointer present");
        int b0 = sks >>> 16;
        assertEquals(0, b0 & 0x40, "field pointer in the parameter list");
        assertEquals(fieldByte, sks & 0xFFFF, "field pointer byte");
        assertEquals(fieldBit, (b0 & 0x08) != 0 ? b0 & 7 : -1, "field pointer bit");
        return x;
    }

    public static ScsiException invalidField(int fieldByte, int fieldBit, Executable e) {
        return sense(SenseReason.INVALID_FIELD_IN_CDB, fieldByte, fieldBit, e);
    }

    /** Runs a descriptor and returns the number of Data-In bytes. */
    static int run(CommandDescriptor d, FakeScsiTask t) {
        CompletionStage<CommandResult> s = d.execute(t);
        return s.toCompletableFuture().join().dataInLength();
    }
}
