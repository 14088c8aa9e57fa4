package org.jstgt.device.dvd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.FakeUnitContext;
import org.jstgt.testkit.RecordingStore;
import org.junit.jupiter.api.Test;

/** The state file's restore rules, configuration errors and reconfiguration in place. */
class StateTest extends DvdTestBase {

    Path states() {
        return dir.resolve("media");
    }

    DvdUnit unit(String medium, String launch) throws ConfigException {
        return unit(spec(medium), states(), launch);
    }

    static void saved(DvdUnit u) throws Exception {
        u.tray().saved().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMediumLoadedLaterIsRestoredUnderTheSameConfiguration() throws Exception {
        Path a = iso("a.iso", 4, 1);
        Path b = iso("b.iso", 6, 2);
        DvdUnit first = unit(a.toString(), "L1");
        TrayTest.await(first.tray().unload(false));
        TrayTest.await(first.tray().load(b.toString()));
        run(first, preventAllow(1));
        saved(first);
        first.close();
        assertTrue(Files.exists(states().resolve("cd0.state")));

        DvdUnit sameLaunch = unit(a.toString(), "L1");
        assertEquals(Optional.of(b.toString()), sameLaunch.tray().loaded());
        assertTrue(sameLaunch.tray().removalPrevented(), "a bundle update keeps the PREVENT");
        sameLaunch.close();

        DvdUnit restart = unit(a.toString(), "L2");
        assertEquals(Optional.of(b.toString()), restart.tray().loaded());
        assertFalse(restart.tray().removalPrevented(), "a restart ended every nexus");
        saved(restart);
        restart.close();

        DvdUnit otherConfig = unit(b.toString(), "L2");
        assertEquals(Optional.of(b.toString()), otherConfig.tray().loaded());
        saved(otherConfig);
        otherConfig.close();
        DvdUnit backToA = unit(a.toString(), "L2");
        assertEquals(Optional.of(a.toString()), backToA.tray().loaded(), "a changed medium value loads fresh");
    }

    @Test
    void anOpenTrayIsRestored() throws Exception {
        Path a = iso("a.iso", 4, 1);
        DvdUnit first = unit(a.toString(), "L1");
        run(first, startStop(false, true, false));
        saved(first);
        first.close();
        DvdUnit next = unit(a.toString(), "L2");
        expect(Tray.TRAY_OPEN, () -> run(next, tur()));
        run(next, startStop(false, true, true));
        assertEquals(0, run(next, tur()), "the ejected disc is still in the open tray");
    }

    @Test
    void aVanishedMediumLeavesTheTrayEmpty() throws Exception {
        Path a = iso("a.iso", 4, 1);
        Path b = iso("b.iso", 4, 2);
        DvdUnit first = unit(a.toString(), "L1");
        TrayTest.await(first.tray().unload(false));
        TrayTest.await(first.tray().load(b.toString()));
        saved(first);
        first.close();
        Files.delete(b);
        DvdUnit next = unit(a.toString(), "L1");
        assertEquals(Optional.empty(), next.tray().loaded());
        expect(Tray.TRAY_CLOSED, () -> run(next, tur()));
    }

    @Test
    void aCorruptStateFileIsIgnored() throws Exception {
        Path a = iso("a.iso", 4, 1);
        Files.createDirectories(states());
        Files.writeString(states().resolve("cd0.state"), "version=9\n");
        assertEquals(Optional.of(a.toString()), unit(a.toString(), "L1").tray().loaded());
    }

    @Test
    void badMediumValues() throws Exception {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> unit(dir.resolve("missing.iso").toString(), "L1"));
        assertEquals("medium", missing.key());
        assertTrue(missing.getMessage().contains("missing.iso"), missing.getMessage());
        Path odd = dir.resolve("odd.iso");
        Files.write(odd, new byte[2049]);
        ConfigException size = assertThrows(ConfigException.class, () -> unit(odd.toString(), "L1"));
        assertEquals("medium", size.key());
        assertTrue(size.getMessage().contains("2048"), size.getMessage());
        Path empty = dir.resolve("empty.iso");
        Files.write(empty, new byte[0]);
        assertEquals("medium", assertThrows(ConfigException.class, () -> unit(empty.toString(), "L1")).key());
        assertEquals("medium", assertThrows(ConfigException.class, () -> unit("x.iso", "L1")).key());
        assertEquals("medium", assertThrows(ConfigException.class, () -> unit(dir.toString(), "L1")).key());
        assertEquals(Optional.empty(), unit("", "L1").tray().loaded(), "an empty value is an empty tray");
        ConfigException directory = assertThrows(ConfigException.class, () -> unit(dir.toString(), "L1"));
        assertTrue(directory.getMessage().startsWith("medium: " + dir), directory.getMessage());
        LunSpec withStore = new LunSpec("cd0", "etc/jstgt.lun-cd0.cfg", "dvd", "file", 2048, true, "JSTGT",
                "VIRTUAL-DVD", "0001", "cd0", 0x3000000000000005L, Map.of());
        assertEquals("store.type", assertThrows(ConfigException.class, () -> unit(withStore, null, "L1")).key());
    }

    @Test
    void aMediumValueNamingWhatTheTrayHoldsChangesNothing() throws Exception {
        Path a = iso("a.iso", 4, 1);
        DvdUnit u = unit((String) null, "L1");
        TrayTest.await(u.tray().load(a.toString()));
        raised.clear();
        run(u, preventAllow(1));
        // iscsi:media-load loads first, then writes the key: the tray keeps its disc and its lock
        assertTrue(u.reconfigure(spec(a.toString())));
        assertEquals(Optional.of(a.toString()), u.tray().loaded());
        assertTrue(u.tray().removalPrevented());
        assertEquals(List.of(), raised, "no second unit attention");
        run(u, preventAllow(0));
        TrayTest.await(u.tray().unload(false));
        assertTrue(u.reconfigure(spec((String) null)));
        assertEquals(List.of(), raised);
        expect(Tray.TRAY_OPEN, () -> run(u, tur()));
    }

    @Test
    void theMediumChangeAttentionIsRaisedBeforeAnyNexusCanReadTheNewMedium() throws Exception {
        Path a = iso("a.iso", 4, 1);
        Path b = iso("b.iso", 6, 2);
        DvdUnit u = unit(a.toString(), "L1");
        List<Optional<String>> seenAtAttention = new java.util.concurrent.CopyOnWriteArrayList<>();
        onAttention = () -> seenAtAttention.add(u.tray().loaded());
        raised.clear();
        assertTrue(u.reconfigure(spec(b.toString())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!u.tray().loaded().equals(Optional.of(b.toString())) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Optional.of(b.toString()), u.tray().loaded());
        assertEquals(1, seenAtAttention.size(), "one attention: " + raised);
        assertFalse(seenAtAttention.get(0).equals(Optional.of(b.toString())),
                "the attention came only after " + b + " could be read");
    }

    @Test
    void reconfigureChangesTheMediumInPlace() throws Exception {
        Path a = iso("a.iso", 4, 1);
        Path b = iso("b.iso", 6, 2);
        DvdUnit u = unit(a.toString(), "L1");
        run(u, preventAllow(1));
        assertTrue(u.reconfigure(spec(b.toString())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!u.tray().loaded().equals(Optional.of(b.toString())) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Optional.of(b.toString()), u.tray().loaded());
        assertFalse(u.tray().removalPrevented(), "an administrator's act ends the PREVENT");
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), raised);
        assertEquals(5, u32(data(u, readCapacity()), 0));

        assertTrue(u.reconfigure(spec((String) null)));
        assertEquals(Optional.empty(), u.tray().loaded());
        expect(Tray.TRAY_CLOSED, () -> run(u, tur()));

        Map<String, String> other = new HashMap<>(Map.of("medium", ""));
        other.put("sense.format", "descriptor");
        assertFalse(u.reconfigure(spec(other)), "other keys need a new unit");
        LunSpec renamed = new LunSpec("cd0", "etc/jstgt.lun-cd0.cfg", "dvd", "", 2048, true, "JSTGT", "OTHER",
                "0001", "cd0", 0x3000000000000005L, Map.of());
        assertFalse(u.reconfigure(renamed));
    }

    @Test
    void theProviderBuildsUnitsFromAContext() throws Exception {
        RecordingStore image = new RecordingStore(8 * 2048).readOnly(true);
        FakeUnitContext ctx = FakeUnitContext.of(spec("/srv/iso/x.iso"), null).medium("/srv/iso/x.iso", image);
        DvdProvider provider = new DvdProvider(states(), "L1");
        var u = provider.create(ctx);
        assertEquals(5, u.peripheralDeviceType());
        assertEquals(8 * 2048L, u.capacityBytes());
        assertEquals(Optional.of("/srv/iso/x.iso"), u.removableMedium().orElseThrow().loaded());
        u.parse(FakeScsiTask.of(0x00));
        ((DvdUnit) u).tray().saved().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(Files.readString(states().resolve("cd0.state")).contains("loaded=/srv/iso/x.iso"));
        u.close();
        provider.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!image.isClosed() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(image.isClosed(), "closing the unit closes its image");
        assertEquals("cd0.state", TrayFile.fileName("cd0"));
        assertEquals("a%2Fb.state", TrayFile.fileName("a/b"));
    }
}
