package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.DataDirection;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.RecordingStore;
import org.jstgt.testkit.Sense;
import org.junit.jupiter.api.Test;

/** FORMAT UNIT: a no-op behind the CDB and parameter list checks. */
class FormatUnitTest extends DiskTestBase {
    private static final int FMTDATA = 0x10;
    private static final int LONGLIST = 0x20;

    static FakeScsiTask format(int flags, int... header) {
        byte[] list = new byte[header.length];
        for (int i = 0; i < header.length; i++) {
            list[i] = (byte) header[i];
        }
        return FakeScsiTask.of(0x04, flags, 0, 0, 0, 0).withDataOut(list);
    }

    /** Expects INVALID FIELD IN PARAMETER LIST at {@code at}/{@code bit}. */
    static void invalidParameter(int at, int bit, DiskUnit u, FakeScsiTask t) {
        ScsiException e = expect(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, () -> run(u, t));
        Sense s = Sense.of(e.sense());
        assertFalse(s.fieldInCdb());
        assertEquals(at, s.fieldPointer(), "field pointer byte");
        assertEquals(bit, s.fieldBit(), "field pointer bit");
    }

    @Test
    void withoutAParameterListItIsGoodAndTouchesNothing() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        FakeScsiTask t = format(0);
        assertEquals(DataDirection.NONE, u.parse(t).direction());
        assertEquals(0, run(u, t));
        // CMPLST, DEFECT LIST FORMAT and LONGLIST mean nothing without FMTDATA; byte 2 is vendor specific
        assertEquals(0, run(u, format(LONGLIST | 0x08 | 0x06).withCdbByte(2, 0x55)));
        assertEquals(0, run(u, format(0).withCdbByte(4, 0x02)));
        assertTrue(s.calls().isEmpty());
    }

    @Test
    void aPlainParameterListIsAccepted() throws Exception {
        RecordingStore s = new RecordingStore(MIB);
        DiskUnit u = unit(s);
        FakeScsiTask shortList = format(FMTDATA, 0, 0, 0, 0);
        CommandDescriptor d = u.parse(shortList);
        assertEquals(DataDirection.OUT, d.direction());
        assertEquals(4, d.transferLength());
        assertEquals(0, run(u, shortList));
        // FOV with DPRY, DCRT and STPF, and IMMED
        assertEquals(0, run(u, format(FMTDATA, 0, 0xF2, 0, 0)));
        FakeScsiTask longList = format(FMTDATA | LONGLIST, 0, 0x02, 0, 0, 0, 0, 0, 0);
        assertEquals(8, u.parse(longList).transferLength());
        assertEquals(0, run(u, longList));
        assertTrue(s.calls().isEmpty());
    }

    @Test
    void badCdbFields() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        invalidField(1, 7, () -> u.parse(format(0x80)));
        invalidField(1, 6, () -> u.parse(format(0x40 | FMTDATA)));
        invalidField(1, 2, () -> u.parse(format(FMTDATA | 0x07)));
        invalidField(4, 1, () -> u.parse(format(0).withCdbByte(4, 0x03)));
        invalidField(5, 2, () -> u.parse(format(0).withCdbByte(5, 0x04)));
        DiskUnit ro = DiskUnit.create(spec(512, true, Map.of()), new RecordingStore(MIB), workers);
        expect(SenseReason.WRITE_PROTECTED, () -> ro.parse(format(0)));
    }

    @Test
    void badParameterLists() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB));
        // PROTECTION FIELD USAGE, and byte 0's reserved bits
        invalidParameter(0, 0, u, format(FMTDATA, 0x01, 0, 0, 0));
        invalidParameter(0, 7, u, format(FMTDATA, 0x80, 0, 0, 0));
        // without FOV: DPRY, DCRT, STPF, IP must be zero
        invalidParameter(1, 6, u, format(FMTDATA, 0, 0x40, 0, 0));
        invalidParameter(1, 4, u, format(FMTDATA, 0, 0x10, 0, 0));
        // an initialization pattern is not supported
        invalidParameter(1, 3, u, format(FMTDATA, 0, 0x88, 0, 0));
        // no defect lists
        invalidParameter(2, -1, u, format(FMTDATA, 0, 0x80, 0, 8));
        invalidParameter(4, -1, u, format(FMTDATA | LONGLIST, 0, 0, 0, 0, 0, 0, 0, 8));
        // the long header's reserved byte and protection fields
        invalidParameter(2, 0, u, format(FMTDATA | LONGLIST, 0, 0, 1, 0, 0, 0, 0, 0));
        invalidParameter(3, 7, u, format(FMTDATA | LONGLIST, 0, 0, 0, 0x80, 0, 0, 0, 0));
        // a header cut short by the initiator's expected length
        expect(SenseReason.PARAMETER_LIST_LENGTH_ERROR, () -> run(u, format(FMTDATA | LONGLIST, 0, 0, 0, 0)));
    }
}
