package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.ConfigException;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.testkit.FakeScsiTask;
import org.jstgt.testkit.FakeUnitContext;
import org.junit.jupiter.api.Test;

/** The state file's restore rules, configuration checks and reconfiguration of {@code medium}. */
class StateTest extends TapeTestBase {

    private StateFiles states(String launch) {
        return new StateFiles(dir.resolve("media"), launch);
    }

    private Map<String, String> configured(String name) {
        return props("medium", cartridge(name).toString());
    }

    @Test
    void sameLaunchRestoresPositionSettingsAndPrevent() throws Exception {
        TapeUnit first = unit(configured("JST001"), states("launch-1"), false);
        for (int i = 0; i < 5; i++) {
            writeBlock(first, pattern(100, i));
        }
        good(first, locate10(0, 3, 0));
        TransfersTest.setBlockLength(first, 512);
        good(first, prevent(1));
        int syncs = tape().syncs;
        first.close();
        assertTrue(tape().closed);
        assertTrue(tape().syncs >= syncs);
        assertTrue(Files.exists(dir.resolve("media/tape0.state")));

        TapeUnit second = unit(configured("JST001"), states("launch-1"), false);
        assertEquals(3, position(second), "a bundle update continues at the same position");
        assertEquals(512, second.blockLengthNow());
        assertTrue(second.removableMedium().get().removalPrevented());
        check(second, loadUnload(0), SenseReason.MEDIUM_REMOVAL_PREVENTED);
    }

    @Test
    void laterLaunchRestoresTheCartridgeOnly() throws Exception {
        TapeUnit first = unit(configured("JST001"), states("launch-1"), false);
        first.removableMedium().get().unload(false).toCompletableFuture().get(5, TimeUnit.SECONDS);
        first.removableMedium().get().load(cartridge("NEW002").toString()).toCompletableFuture().get(5,
                TimeUnit.SECONDS);
        writeBlock(first, pattern(10, 1));
        TransfersTest.setBlockLength(first, 512);
        good(first, prevent(1));
        first.close();

        TapeUnit second = unit(configured("JST001"), states("launch-2"), false);
        assertEquals(Optional.of(cartridge("NEW002").toString()), second.removableMedium().get().loaded(),
                "the cartridge a changer or the shell loaded");
        assertEquals(0, position(second));
        assertEquals(0, second.blockLengthNow());
        assertFalse(second.removableMedium().get().removalPrevented());
    }

    @Test
    void aChangedMediumKeyLoadsTheConfiguredCartridgeFresh() throws Exception {
        TapeUnit first = unit(configured("JST001"), states("launch-1"), false);
        writeBlock(first, pattern(10, 1));
        first.close();
        TapeUnit second = unit(configured("JST003"), states("launch-1"), false);
        assertEquals(Optional.of(cartridge("JST003").toString()), second.removableMedium().get().loaded());
        assertEquals(0, position(second));
    }

    @Test
    void aVanishedCartridgeLeavesTheDriveEmpty() throws Exception {
        TapeUnit first = unit(configured("JST001"), states("launch-1"), false);
        first.close();
        Files.delete(cartridge("JST001"));
        TapeUnit second = unit(configured("JST001"), states("launch-1"), false);
        assertEquals(Optional.empty(), second.removableMedium().get().loaded());
        check(second, testUnitReady(), SenseReason.MEDIUM_NOT_PRESENT);
    }

    @Test
    void anUnloadedCartridgeStaysUnloaded() throws Exception {
        TapeUnit first = unit(configured("JST001"), states("launch-1"), false);
        good(first, loadUnload(0));
        first.close();
        TapeUnit second = unit(configured("JST001"), states("launch-2"), false);
        check(second, testUnitReady(), SenseReason.LOGICAL_UNIT_NOT_READY_INITIALIZING_COMMAND_REQUIRED);
        good(second, loadUnload(1));
        good(second, testUnitReady());
    }

    @Test
    void anUnreadableStateFileIsIgnored() throws Exception {
        Files.createDirectories(dir.resolve("media"));
        Files.writeString(dir.resolve("media/tape0.state"), "medium.config=x\n");
        TapeUnit u = unit(configured("JST001"), states("launch-1"), false);
        assertEquals(Optional.of(cartridge("JST001").toString()), u.removableMedium().get().loaded());
        assertTrue(Files.readString(dir.resolve("media/tape0.state")).contains("launch=launch-1"));
    }

    @Test
    void nexusLossEndsPreventionInTheStateFile() throws Exception {
        TapeUnit first = unit(configured("JST001"), states("launch-1"), false);
        good(first, fromB(prevent(1)));
        first.nexusLost(INITIATOR_B_PORT, FakeScsiTask.TARGET_PORT_NAME);
        first.close();
        TapeUnit second = unit(configured("JST001"), states("launch-1"), false);
        assertFalse(second.removableMedium().get().removalPrevented());
    }

    @Test
    void badKeysAreNamed() {
        assertEquals("medium.size", assertThrows(ConfigException.class,
                () -> unit(props("medium.size", "12 parsecs"), null, false)).key());
        assertEquals("medium.size", assertThrows(ConfigException.class,
                () -> unit(props("medium.size", "1KiB"), null, false)).key());
        assertEquals("density", assertThrows(ConfigException.class,
                () -> unit(props("density", "LTO-9"), null, false)).key());
        ConfigException missing = assertThrows(ConfigException.class,
                () -> unit(props("medium", dir.resolve("no/such/dir/T.tape").toString()), null, false));
        assertEquals("medium", missing.key());
        assertTrue(missing.getMessage().contains("no/such/dir"), missing.getMessage());
    }

    @Test
    void densityKeyTakesNamesAndCodes() throws Exception {
        assertEquals(Density.SDLT600, TapeConfig.of(spec(props("density", "sdlt600"))).density());
        assertEquals(Density.SDLT320, TapeConfig.of(spec(props("density", "0x49"))).density());
        assertEquals(Density.DLT_S4, TapeConfig.of(spec(props("density", "DLTS4"))).density());
        assertEquals(4L << 30, TapeConfig.of(spec(Map.of())).mediumSize());
        TapeUnit u = unit(props("medium", cartridge("JST001").toString(), "density", "SDLT320"), null, false);
        byte[] d = good(u, FakeScsiTask.of(0x1A, 0, 0, 0, 12, 0)).data();
        assertEquals(0x49, d[4] & 0xFF);
    }

    @Test
    void reconfigureMediumInPlaceEvenWhilePrevented() throws Exception {
        TapeUnit u = unit(configured("JST001"), states("launch-1"), false);
        writeBlock(u, pattern(10, 1));
        good(u, prevent(1));
        LunSpec next = spec(configured("JST002"));
        assertTrue(u.reconfigure(next));
        assertTrue(tape().closed, "the old cartridge was synced and closed");
        assertEquals(Optional.of(cartridge("JST002").toString()), u.removableMedium().get().loaded());
        assertFalse(u.removableMedium().get().removalPrevented());
        assertEquals(List.of(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense()), context.raised());
        assertEquals(0, position(u));
        assertTrue(u.reconfigure(spec(Map.of())), "no medium");
        check(u, testUnitReady(), SenseReason.MEDIUM_NOT_PRESENT);
        assertTrue(u.reconfigure(spec(configured("JST002"), true)), "read.only applies in place");
        check(u, write6(false, 4, new byte[4]), SenseReason.WRITE_PROTECTED);
        u.close();
        TapeUnit again = unit(configured("JST002"), states("launch-1"), true);
        assertEquals(Optional.of(cartridge("JST002").toString()), again.removableMedium().get().loaded());
    }

    @Test
    void aMediumValueNamingTheLoadedCartridgeChangesNothing() throws Exception {
        TapeUnit u = unit(Map.of(), states("launch-1"), false);
        u.removableMedium().get().load(cartridge("JST003").toString()).toCompletableFuture().get(10,
                java.util.concurrent.TimeUnit.SECONDS);
        int before = context.raised().size();
        writeBlock(u, pattern(10, 1));
        good(u, prevent(1));
        // iscsi:media-load loads first, then writes the key: the position and the lock stay
        assertTrue(u.reconfigure(spec(configured("JST003"))));
        assertEquals(1, position(u));
        assertTrue(u.removableMedium().get().removalPrevented());
        assertEquals(before, context.raised().size(), "no unit attention");
        u.close();
    }

    @Test
    void reconfigureRefusesOtherKeysAndBadValues() throws Exception {
        TapeUnit u = unit(configured("JST001"), null, false);
        assertFalse(u.reconfigure(spec(props("medium", cartridge("JST001").toString(), "density", "SDLT320"))));
        assertFalse(u.reconfigure(spec(props("medium", cartridge("JST001").toString(), "medium.size", "x"))));
        assertFalse(u.reconfigure(spec(props("medium", dir.resolve("no/such/T.tape").toString()))));
        assertTrue(u.reconfigure(spec(props("medium", cartridge("JST001").toString(), "medium.size", "8MiB"))));
    }

    @Test
    void providerAndFormatter() throws Exception {
        TapeProvider provider = new TapeProvider(cartridges, dir.resolve("media"), "launch-1");
        try {
            LunSpec s = spec(configured("JST009"));
            FakeUnitContext c = FakeUnitContext.of(s, null);
            var unit = provider.create(c);
            assertEquals(1, unit.peripheralDeviceType());
            assertEquals(Optional.of(cartridge("JST009").toString()), unit.removableMedium().get().loaded());
            unit.close();
            assertTrue(Files.exists(dir.resolve("media/tape0.state")));
        } finally {
            provider.close();
        }
        TapeFormatter formatter = new TapeFormatter(cartridges);
        assertEquals("tape", formatter.extension());
        Path blank = cartridge("BLANK1");
        formatter.create(blank, 8 * MIB);
        assertEquals(8 * MIB, cartridges.tapes.get(blank).capacity());
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> formatter.create(blank, 8 * MIB));
        // the provider's own formatter writes the tape image format (ImageCartridges)
        Path real = cartridge("REAL01");
        new TapeFormatter().create(real, MIB);
        try (var image = org.jstgt.device.tape.image.TapeImages.open(real)) {
            assertEquals(MIB, image.capacity());
            assertEquals(0, image.objects());
        }
    }
}
