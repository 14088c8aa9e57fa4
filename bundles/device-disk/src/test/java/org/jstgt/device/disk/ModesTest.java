package org.jstgt.device.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.api.store.StoreCapability;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.FakeUnitContext;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk's mode pages through MODE SENSE and MODE SELECT, their effects and their saved values. */
class ModesTest extends DiskTestBase {
    /** Offsets in MODE SENSE(6) data with DBD of all pages: 01h, 02h, 08h, 0Ah, 1Ch. */
    private static final int CACHING_AT = 4 + 12 + 16;
    private static final int CONTROL_AT = CACHING_AT + 20;

    @TempDir
    Path dir;

    private final Events events = new Events();

    /** Records the unit attentions a unit raises. */
    static final class Events implements UnitEvents {
        final List<String> raised = new CopyOnWriteArrayList<>();

        @Override
        public void unitAttention(Sense sense) {
            raised.add(String.format("%02X/%02X to all", sense.asc(), sense.ascq()));
        }

        @Override
        public void unitAttentionToOthers(Sense sense, String initiatorPortName, String targetPortName) {
            raised.add(String.format("%02X/%02X to all but %s %s", sense.asc(), sense.ascq(), initiatorPortName,
                    targetPortName));
        }

        @Override
        public void capacityChanged() {
            raised.add("capacity");
        }

        @Override
        public void mediumChanged() {
            raised.add("medium");
        }
    }

    private DiskUnit unit(RecordingStore store, Path saved) throws ConfigException {
        return DiskUnit.create(spec(512, false, Map.of()), store, workers, events, saved);
    }

    private static byte[] sense6(DiskUnit u, int pcAndPage) throws Exception {
        FakeScsiTask t = FakeScsiTask.of(0x1A, 0x08, pcAndPage, 0, 255, 0);
        return t.dataInBytes(run(u, t));
    }

    /** MODE SELECT(6) with PF (and SP), no block descriptor, the Caching and Control pages. */
    private static FakeScsiTask select(boolean sp, boolean wce, boolean dSense) {
        byte[] d = new byte[4 + 20 + 12];
        d[4] = 0x08;
        d[5] = 18;
        d[6] = (byte) (wce ? 0x04 : 0);
        d[24] = 0x0A;
        d[25] = 10;
        d[26] = (byte) ((dSense ? 0x04 : 0) | 0x02);
        d[27] = 0x10;
        d[29] = 0x40; // TAS, as MODE SENSE reports it (not changeable)
        return FakeScsiTask.of(0x15, sp ? 0x11 : 0x10, 0, 0, d.length, 0).withDataOut(d);
    }

    @Test
    void pagesHoldCurrentChangeableDefaultAndSavedValues() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB, StoreCapability.FLUSH), null);
        byte[] current = sense6(u, 0x3F);
        assertEquals(4 + 12 + 16 + 20 + 12 + 12, current.length);
        assertArrayEquals(new byte[] {(byte) 0x81, 10}, Arrays.copyOfRange(current, 4, 6), "01h, PS");
        assertArrayEquals(new byte[10], Arrays.copyOfRange(current, 6, 16));
        assertArrayEquals(new byte[] {(byte) 0x82, 14}, Arrays.copyOfRange(current, 16, 18), "02h, PS");
        assertArrayEquals(new byte[] {(byte) 0x88, 18, 0x04}, Arrays.copyOfRange(current, CACHING_AT, CACHING_AT + 3));
        assertArrayEquals(new byte[] {(byte) 0x8A, 10, 0x02, 0x10}, Arrays.copyOfRange(current, CONTROL_AT,
                CONTROL_AT + 4));
        assertArrayEquals(new byte[] {(byte) 0x9C, 10, 0x08}, Arrays.copyOfRange(current, CONTROL_AT + 12,
                CONTROL_AT + 15));

        byte[] changeable = sense6(u, 0x7F);
        byte[] expected = new byte[changeable.length];
        System.arraycopy(current, 0, expected, 0, 4);
        expected[0] = changeable[0];
        for (int at : new int[] {4, 16, CACHING_AT, CONTROL_AT, CONTROL_AT + 12}) {
            expected[at] = current[at];
            expected[at + 1] = current[at + 1];
        }
        expected[CACHING_AT + 2] = 0x04;
        expected[CONTROL_AT + 2] = 0x04;
        assertArrayEquals(expected, changeable, "only WCE and D_SENSE are changeable");
        assertArrayEquals(current, sense6(u, 0xBF), "defaults are the current values of a new unit");
        assertArrayEquals(current, sense6(u, 0xFF), "and so are the saved values");
        assertArrayEquals(Arrays.copyOfRange(current, CACHING_AT, CACHING_AT + 20),
                Arrays.copyOfRange(sense6(u, 0xC8), 4, 24), "08h alone");
        invalidField(3, -1, () -> u.parse(FakeScsiTask.of(0x1A, 0, 0x3F, 0x01, 255, 0)));
        FakeScsiTask allSub = FakeScsiTask.of(0x1A, 0x08, 0x3F, 0xFF, 255, 0);
        assertEquals(current.length, run(u, allSub), "3Fh/FFh: no subpages besides");

        DiskUnit noCache = unit(new RecordingStore(MIB), null);
        assertEquals(0, sense6(noCache, 0x48)[6], "WCE not changeable without a volatile cache");
    }

    @Test
    void wceZeroMakesEveryWriteDurable() throws Exception {
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit u = unit(s, null);
        run(u, withData(cdb10(0x2A, 0, 0, 1), new byte[512]));
        assertEquals(List.of("write"), s.ops());
        run(u, select(false, false, false));
        run(u, withData(cdb10(0x2A, 0, 1, 1), new byte[512]));
        assertEquals(List.of("write", "write", "flush"), s.ops(), "flushed before GOOD");
        run(u, select(false, true, false));
        run(u, withData(cdb10(0x2A, 0, 2, 1), new byte[512]));
        assertEquals(List.of("write", "write", "flush", "write"), s.ops(), "write-back again");

        RecordingStore fua = new RecordingStore(MIB, StoreCapability.FLUSH, StoreCapability.FUA);
        DiskUnit f = unit(fua, null);
        run(f, select(false, false, false));
        run(f, withData(cdb10(0x2A, 0, 0, 1), new byte[512]));
        assertTrue(fua.calls().get(0).fua(), "forced unit access on a store that has it");
    }

    @Test
    void wceCannotBeSetWithoutAVolatileCache() {
        DiskUnit u = assertUnit(new RecordingStore(MIB));
        Sense x = expect(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST, () -> run(u, select(false, true, false))).sense();
        org.jstgt.testkit.Sense t = org.jstgt.testkit.Sense.of(x);
        assertFalse(t.fieldInCdb());
        assertEquals(6, t.fieldPointer(), "byte 2 of the Caching page");
        assertEquals(2, t.fieldBit(), "WCE");
    }

    private DiskUnit assertUnit(RecordingStore s) {
        try {
            return unit(s, null);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dSenseChangesTheSenseFormatAndOtherNexusesAreTold() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB, StoreCapability.FLUSH), null);
        assertFalse(u.descriptorSense(false));
        FakeScsiTask sel = select(false, true, true);
        run(u, sel);
        assertTrue(u.descriptorSense(false), "D_SENSE 1: descriptor format for later commands");
        assertEquals(0x06, sense6(u, 0x0A)[6]);
        assertEquals(List.of("2A/01 to all but " + sel.initiatorPortName() + " " + sel.targetPortName()),
                events.raised);
        run(u, select(false, true, true));
        assertEquals(1, events.raised.size(), "no change, no unit attention");
        run(u, select(false, true, false));
        assertFalse(u.descriptorSense(true), "D_SENSE 0 wins over the configuration");
    }

    @Test
    void badFieldsOfTheDisksModeSelect() throws Exception {
        DiskUnit u = unit(new RecordingStore(MIB, StoreCapability.FLUSH), null);
        invalidField(1, 4, () -> u.parse(FakeScsiTask.of(0x15, 0x00, 0, 0, 36, 0)));
        invalidField(1, 4, () -> u.parse(FakeScsiTask.of(0x55, 0x00, 0, 0, 0, 0, 0, 0, 36, 0)));
        byte[] bd = new byte[4 + 8];
        bd[3] = 8;
        bd[10] = 0x10;
        Sense x = expect(SenseReason.INVALID_FIELD_IN_PARAMETER_LIST,
                () -> run(u, FakeScsiTask.of(0x15, 0x10, 0, 0, bd.length, 0).withDataOut(bd))).sense();
        assertEquals(9, org.jstgt.testkit.Sense.of(x).fieldPointer(), "LOGICAL BLOCK LENGTH 4096, not 512");
        bd[10] = 0x02;
        run(u, FakeScsiTask.of(0x15, 0x10, 0, 0, bd.length, 0).withDataOut(bd));
        expect(SenseReason.PARAMETER_LIST_LENGTH_ERROR,
                () -> run(u, FakeScsiTask.of(0x15, 0x10, 0, 0, 2, 0).withDataOut(new byte[2])));
    }

    @Test
    void savedPagesSurviveARecreatedUnit() throws Exception {
        Path file = SavedModes.fileOf(dir.resolve("modes"), "disk0");
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        DiskUnit first = unit(s, file);
        run(first, select(false, false, true));
        assertFalse(Files.exists(file), "nothing saved without SP");
        assertEquals(0x04, sense6(unit(s, file), 0x08)[6], "not saved: defaults again");
        run(first, select(true, false, true));
        assertTrue(Files.exists(file));
        assertFalse(Files.exists(file.resolveSibling("disk0.properties.tmp")));

        DiskUnit again = unit(s, file);
        assertEquals(0, sense6(again, 0x08)[6], "saved WCE 0 is current");
        assertEquals(0, sense6(again, 0xC8)[6], "and saved");
        assertEquals(0x04, sense6(again, 0x88)[6], "default WCE still 1");
        assertTrue(again.descriptorSense(false), "saved D_SENSE 1");
        run(again, withData(cdb10(0x2A, 0, 0, 1), new byte[512]));
        assertEquals("flush", s.ops().get(s.ops().size() - 1), "write-through from the saved page");
    }

    @Test
    void aBadSavedFileGivesTheDefaults() throws Exception {
        Path file = SavedModes.fileOf(dir, "disk0");
        RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
        for (String text : new String[] {"page.08=XYZ\n", "page.08=00\n", "page.33=00\n", "page.0A=\\u00zz\n"}) {
            Files.writeString(file, text, StandardCharsets.ISO_8859_1);
            DiskUnit u = unit(s, file);
            assertEquals(0x04, sense6(u, 0x08)[6], text);
            assertFalse(u.descriptorSense(false), text);
        }
        // one good page and one bad: nothing is taken
        Files.writeString(file, "page.08=" + "00".repeat(18) + "\npage.0A=00\n", StandardCharsets.ISO_8859_1);
        assertEquals(0x04, sense6(unit(s, file), 0x08)[6]);
    }

    @Test
    void theProviderKeepsSavedPagesPerLunInItsDirectory() throws Exception {
        DiskProvider p = new DiskProvider(dir);
        try {
            RecordingStore s = new RecordingStore(MIB, StoreCapability.FLUSH);
            FakeUnitContext ctx = FakeUnitContext.of(spec(512, false, Map.of()), s);
            DiskUnit u = (DiskUnit) p.create(ctx);
            run(u, select(true, true, true));
            assertTrue(Files.exists(dir.resolve("disk0.properties")));
            // the test context's events have no nexus to leave out: the fallback tells every nexus
            assertEquals(List.of(SenseReason.MODE_PARAMETERS_CHANGED.sense()), ctx.raised());
            DiskUnit again = (DiskUnit) p.create(FakeUnitContext.of(spec(512, false, Map.of()), s));
            assertTrue(again.descriptorSense(false), "saved D_SENSE after the unit was created again");
        } finally {
            p.close();
        }
    }

    @Test
    void lunNamesBecomeSafeFileNames() {
        assertEquals(dir.resolve("a_b.properties"), SavedModes.fileOf(dir, "a/b"));
        assertEquals(null, SavedModes.fileOf(null, "disk0"));
    }
}
