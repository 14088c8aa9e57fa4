package org.jstgt.scsi.spc;

import static org.jstgt.scsi.spc.Expect.inList;
import static org.jstgt.scsi.spc.Expect.invalidField;
import static org.jstgt.scsi.spc.Expect.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** MODE SELECT(6)/(10) parameter list checks (SPC-4 §6.9, §6.10) and saved values in MODE SENSE. */
class ModeSelectTest {
    private final ModeValues caching;
    private final ModeSense sense;
    private final List<List<ModeSelect.Change>> applied = new ArrayList<>();
    private final List<Boolean> saves = new ArrayList<>();
    private final ModeSelect select;

    ModeSelectTest() {
        byte[] defaults = new byte[18];
        defaults[0] = 0x04;
        byte[] mask = new byte[18];
        mask[0] = 0x04;
        caching = new ModeValues(0x08, 0, defaults, mask);
        sense = ModeSense.builder().page(caching.page()).page(ModePages.control(false))
                .blockDescriptors(() -> 2048, 512).build();
        select = new ModeSelect(sense, (task, pages, save) -> {
            applied.add(pages);
            saves.add(save);
            pages.forEach(c -> caching.select(c.parameters()));
            if (save) {
                caching.save();
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** MODE SELECT(6) header, short block descriptor (2048 blocks of {@code blockLength}), Caching page. */
    private static byte[] list6(int blockLength, int cachingByte2) {
        byte[] d = new byte[4 + 8 + 20];
        d[3] = 8;
        Bytes.putU32(d, 4, 2048);
        Bytes.putU24(d, 9, blockLength);
        d[12] = (byte) 0x88;
        d[13] = 18;
        d[14] = (byte) cachingByte2;
        return d;
    }

    private static FakeScsiTask select6(int byte1, byte[] list) {
        return FakeScsiTask.of(0x15, byte1, 0, 0, list.length, 0).withDataOut(list);
    }

    private static FakeScsiTask select10(int byte1, byte[] list) {
        return FakeScsiTask.of(0x55, byte1, 0, 0, 0, 0, 0, list.length >>> 8, list.length & 0xFF, 0).withDataOut(list);
    }

    private void runSelect(FakeScsiTask t) throws ScsiException {
        var d = t.cdb().opcode() == 0x15 ? select.parse6(t) : select.parse10(t);
        try {
            d.execute(t).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw (ScsiException) e.getCause();
        }
    }

    private byte[] modeSense(int pcAndPage) throws Exception {
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0x08, pcAndPage, 0, 255, 0);
        return t.dataInBytes(run(sense.parse6(t), t));
    }

    @Test
    void selectClearsWceAndModeSenseShowsCurrentChangeableDefaultAndSaved() throws Exception {
        runSelect(select6(0x10, list6(512, 0)));
        assertEquals(1, applied.size());
        assertFalse(saves.get(0));
        byte[] current = modeSense(0x08);
        assertEquals((byte) 0x88, current[4], "PS and page code");
        assertEquals(0, current[6], "WCE 0 now");
        assertEquals(0x04, modeSense(0x48)[6], "WCE changeable");
        assertEquals(0x04, modeSense(0x88)[6], "WCE 1 by default");
        assertEquals(0x04, modeSense(0xC8)[6], "saved still WCE 1");
        runSelect(select6(0x11, list6(512, 0)));
        assertTrue(saves.get(1));
        assertEquals(0, modeSense(0xC8)[6], "saved WCE 0 after SP");
    }

    @Test
    void savedValuesOfAPageWithoutThemAreRefused() throws Exception {
        Expect.sense(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, 2, 7, () -> modeSense(0xCA));
        Expect.sense(SenseReason.SAVING_PARAMETERS_NOT_SUPPORTED, 2, 7, () -> modeSense(0xFF));
        assertEquals(0x0A, modeSense(0x0A)[4], "no PS on a page that cannot be saved");
    }

    @Test
    void cdbChecks() throws Exception {
        invalidField(1, 4, () -> select.parse6(select6(0x00, list6(512, 4))));
        invalidField(1, 1, () -> select.parse6(select6(0x12, list6(512, 4))));
        invalidField(2, -1, () -> select.parse6(FakeScsiTask.of(0x15, 0x10, 0x80, 0, 0, 0)));
        invalidField(6, -1, () -> select.parse10(FakeScsiTask.of(0x55, 0x10, 0, 0, 0, 0, 1, 0, 0, 0)));
        ModeSense fixed = ModeSense.builder().page(ModePages.control(false)).build();
        ModeSelect noSave = new ModeSelect(fixed, (t, p, s) -> CompletableFuture.completedFuture(null));
        invalidField(1, 0, () -> noSave.parse6(select6(0x11, new byte[4])));
    }

    @Test
    void emptyListChangesNothing() throws Exception {
        runSelect(FakeScsiTask.of(0x15, 0x10, 0, 0, 0, 0));
        assertTrue(applied.isEmpty());
    }

    @Test
    void parameterListLengthErrors() {
        // shorter than the header; than header and block descriptor; than the page it starts
        expectLengthError(select6(0x10, new byte[3]));
        expectLengthError(select6(0x10, Arrays.copyOf(list6(512, 4), 10)));
        expectLengthError(select6(0x10, Arrays.copyOf(list6(512, 4), 13)));
        expectLengthError(select6(0x10, Arrays.copyOf(list6(512, 4), 30)));
        // the Data-Out holds less than PARAMETER LIST LENGTH
        FakeScsiTask shortData = FakeScsiTask.of(0x15, 0x10, 0, 0, 32, 0).withDataOut(new byte[12]);
        expectLengthError(shortData);
        assertTrue(applied.isEmpty());
    }

    private void expectLengthError(FakeScsiTask t) {
        ScsiException x = assertThrows(ScsiException.class, () -> runSelect(t));
        assertTrue(x.sense().is(SenseReason.PARAMETER_LIST_LENGTH_ERROR), x.getMessage());
    }

    @Test
    void invalidFieldsPointIntoTheParameterList() {
        SenseReason r = SenseReason.INVALID_FIELD_IN_PARAMETER_LIST;
        byte[] medium = list6(512, 4);
        medium[1] = 1;
        inList(r, 1, -1, () -> runSelect(select6(0x10, medium)));
        byte[] bdl = list6(512, 4);
        bdl[3] = 4;
        inList(r, 3, -1, () -> runSelect(select6(0x10, bdl)));
        inList(r, 9, -1, () -> runSelect(select6(0x10, list6(4096, 4))));
        byte[] unknown = list6(512, 4);
        unknown[12] = 0x01;
        inList(r, 12, 5, () -> runSelect(select6(0x10, unknown)));
        byte[] length = list6(512, 4);
        length[13] = 17;
        inList(r, 13, -1, () -> runSelect(select6(0x10, length)));
        // RCD (byte 2 bit 0 of the page) is not changeable
        inList(r, 14, 0, () -> runSelect(select6(0x10, list6(512, 0x05))));
        byte[] subpage = list6(512, 4);
        subpage[12] = 0x48;
        inList(r, 13, -1, () -> runSelect(select6(0x10, subpage)));
        assertTrue(applied.isEmpty(), "nothing applied from a bad list");
    }

    @Test
    void controlPageBitsThatAreNotChangeable() {
        byte[] d = new byte[4 + 12];
        d[4] = 0x0A;
        d[5] = 10;
        d[6] = 0x06;
        d[7] = 0x10;
        inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 6, 2, () -> runSelect(select6(0x10, d)));
    }

    @Test
    void modeSelect10WithLongBlockDescriptor() throws Exception {
        byte[] d = new byte[8 + 16 + 20];
        d[4] = 1;
        d[7] = 16;
        Bytes.putU64(d, 8, 0);
        Bytes.putU32(d, 20, 512);
        d[24] = 0x08;
        d[25] = 18;
        runSelect(select10(0x10, d));
        assertEquals(0, caching.current()[0]);
        Bytes.putU32(d, 20, 520);
        inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 20, -1, () -> runSelect(select10(0x10, d)));
        byte[] shortWithLongLba = new byte[8 + 8];
        shortWithLongLba[4] = 1;
        shortWithLongLba[7] = 8;
        inList(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, 6, -1, () -> runSelect(select10(0x10, shortWithLongLba)));
    }

    @Test
    void restoreTakesOnlyChangeableBits() {
        byte[] saved = new byte[18];
        Arrays.fill(saved, (byte) 0xFF);
        saved[0] = (byte) 0xFB;
        assertTrue(caching.restore(saved));
        assertArrayEquals(new byte[18], caching.current(), "WCE 0 taken; nothing else");
        assertArrayEquals(new byte[18], caching.saved());
        assertFalse(caching.restore(new byte[3]));
    }
}
