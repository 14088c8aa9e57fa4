package org.jstgt.device.changer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The library's contents across restarts: first fill, restore, reconciliation with the directory. */
class StateTest extends ChangerTestBase {

    private static String barcode(ChangerUnit u, int address) {
        Holding h = u.robot().library().at(u.robot().layout().position(address));
        return h == null ? null : h.cartridge().barcode();
    }

    @Test
    void firstStartFillsTheSlotsInBarcodeOrderAndSkipsWhatDoesNotQualify() throws Exception {
        cartridges("C03.tape", "A01.tape", "B02.img", ".hidden", "bad name.tape", "wild*.tape",
                "X234567890123456789012345678901234.tape", "A01.other");
        Files.createDirectory(media.resolve("sub.dir"));
        ChangerUnit u = unit(props(2, 1, "tape0"), "l");
        assertEquals("A01", barcode(u, SLOT1));
        assertEquals("B02", barcode(u, SLOT1 + 1));
        // C03 does not fit: it stays out, and nothing goes to the mail slot on a first start
        assertNull(barcode(u, MAIL1));
        assertTrue(Files.exists(states.resolve("lib0.state")));
    }

    @Test
    void missingDirectoryIsCreatedEmpty() throws Exception {
        media();
        Map<String, String> p = props(4, 1, "tape0");
        p.put(ChangerConfig.MEDIA, tmp.resolve("new/tapes").toString());
        ChangerUnit u = unit(p, "l");
        assertTrue(Files.isDirectory(tmp.resolve("new/tapes")));
        assertTrue(u.mediaChanger().orElseThrow().elements().stream().noneMatch(e -> e.full()));
    }

    @Test
    void contentsSurviveARestart() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        run(u, moveMedium(0, SLOT1, DRIVE2));
        run(u, moveMedium(0, SLOT1 + 1, MAIL1));
        run(u, moveMedium(0, SLOT1 + 2, SLOT1 + 7));
        u.close();
        cartridges("D04.tape");
        ChangerUnit again = unit(props(8, 1, "tape0, tape1"), "launch-2");
        assertEquals("A01", barcode(again, DRIVE2));
        assertEquals(SLOT1, again.robot().library().at(again.robot().layout().position(DRIVE2)).source());
        assertEquals("B02", barcode(again, MAIL1));
        assertFalse(again.robot().library().at(again.robot().layout().position(MAIL1)).imported());
        assertEquals("C03", barcode(again, SLOT1 + 7));
        assertNull(barcode(again, SLOT1));
        // a new file waits for INITIALIZE ELEMENT STATUS
        assertFalse(again.robot().library().barcodes().contains("D04"));
        run(again, initializeElementStatus());
        assertEquals("D04", barcode(again, SLOT1));
    }

    @Test
    void vanishedCartridgeLeavesItsElementEmpty() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape");
        run(u, moveMedium(0, SLOT1 + 1, DRIVE1));
        Files.delete(media.resolve("B02.tape"));
        ChangerUnit again = unit(props(8, 1, "tape0, tape1"), "launch-1");
        assertNull(barcode(again, DRIVE1));
        assertEquals("A01", barcode(again, SLOT1));
    }

    @Test
    void fewerSlotsAndARemovedDriveRehouseTheirCartridges() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape", "C03.tape");
        run(u, moveMedium(0, SLOT1, SLOT1 + 7));
        run(u, moveMedium(0, SLOT1 + 2, DRIVE2));
        // 8 slots -> 3; tape1 leaves changer.drives
        ChangerUnit again = unit(props(3, 1, "tape0"), "launch-1");
        assertEquals("B02", barcode(again, SLOT1 + 1));
        // C03's drive is gone: back to its source slot 3, which is empty
        assertEquals("C03", barcode(again, SLOT1 + 2));
        // A01's slot 8 is gone, and its source slot 1 is empty
        assertEquals("A01", barcode(again, SLOT1));
    }

    @Test
    void anotherMediaDirectoryStartsAfresh() throws Exception {
        ChangerUnit u = library("A01.tape", "B02.tape");
        run(u, moveMedium(0, SLOT1, SLOT1 + 5));
        Map<String, String> p = props(8, 1, "tape0, tape1");
        p.put(ChangerConfig.MEDIA, Files.createDirectories(tmp.resolve("other")).toString());
        Files.write(tmp.resolve("other/Z09.tape"), new byte[0]);
        ChangerUnit again = unit(p, "launch-1");
        assertEquals("Z09", barcode(again, SLOT1));
        assertNull(barcode(again, SLOT1 + 5));
    }

    @Test
    void preventionSurvivesABundleUpdateButNotARestart() throws Exception {
        ChangerUnit u = library("A01.tape");
        run(u, preventAllow(true));
        ChangerUnit updated = unit(props(8, 1, "tape0, tape1"), "launch-1");
        assertTrue(updated.robot().prevention().prevented());
        ChangerUnit restarted = unit(props(8, 1, "tape0, tape1"), "launch-2");
        assertFalse(restarted.robot().prevention().prevented());
    }

    @Test
    void stateFileText() throws Exception {
        ChangerUnit u = library("A01.tape");
        run(u, moveMedium(0, SLOT1, DRIVE1));
        List<String> lines = Files.readAllLines(states.resolve("lib0.state"));
        assertEquals("jstgt-changer 1", lines.get(0));
        assertEquals("launch launch-1", lines.get(1));
        assertTrue(lines.contains("element drive:tape0 A01.tape 4096 0"), lines.toString());
        assertFalse(Files.exists(states.resolve("lib0.state.tmp")));
    }

    @Test
    void unreadableStateFileIsIgnored() throws Exception {
        cartridges("A01.tape");
        Files.createDirectories(tmp.resolve("state"));
        Files.writeString(tmp.resolve("state/lib0.state"), "something else\n");
        ChangerUnit u = unit(props(2, 0, ""), "l");
        assertEquals("A01", barcode(u, SLOT1));
    }

    @Test
    void noStateDirectoryKeepsNothing() throws Exception {
        cartridges("A01.tape");
        ChangerProvider provider = new ChangerProvider();
        TestContext c = new TestContext(spec(props(2, 0, "")));
        ChangerUnit u = (ChangerUnit) provider.create(c);
        assertEquals("A01", barcode(u, SLOT1));
        run(u, moveMedium(0, SLOT1, SLOT1 + 1));
        assertEquals(8, u.peripheralDeviceType());
        u.close();
        provider.close();
    }
}
