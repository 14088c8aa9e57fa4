package org.jstgt.device.tape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.CommandResult;
import org.jstgt.testkit.FakeScsiTask;
import org.junit.jupiter.api.Test;

/** The unit's lane: commands and slot operations run one at a time in submission order, off the caller. */
class LaneTest extends TapeTestBase {

    @Test
    void commandsStartedTogetherRunInOrder() throws Exception {
        TapeUnit u = unit(64 * MIB);
        List<CompletableFuture<CommandResult>> running = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            FakeScsiTask t = write6(false, 100 + i, pattern(100 + i, i));
            running.add(u.parse(t).execute(t).toCompletableFuture());
        }
        FakeScsiTask unload = loadUnload(0);
        CompletableFuture<CommandResult> last = u.parse(unload).execute(unload).toCompletableFuture();
        CompletableFuture<Void> slot = u.removableMedium().get().unload(false).toCompletableFuture();
        for (CompletableFuture<CommandResult> f : running) {
            assertEquals(org.jstgt.api.scsi.ScsiStatus.GOOD, f.get(10, TimeUnit.SECONDS).status());
        }
        last.get(10, TimeUnit.SECONDS);
        slot.get(10, TimeUnit.SECONDS);
        MemoryTape tape = tape();
        assertEquals(50, tape.objects());
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(pattern(100 + i, i), tape.block(i));
        }
        assertEquals(java.util.Optional.empty(), u.removableMedium().get().loaded());
    }

    @Test
    void closeAfterTheWorkersStoppedStillRecordsTheState() throws Exception {
        TapeUnit u = unit(props("medium", cartridge("JST001").toString()), new StateFiles(dir.resolve("media"),
                "launch-1"), false);
        writeBlock(u, pattern(10, 1));
        pool.shutdown();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        u.close();
        assertTrue(Files.readString(dir.resolve("media/tape0.state")).contains("position=1"));
        assertTrue(tape().closed);
    }
}
