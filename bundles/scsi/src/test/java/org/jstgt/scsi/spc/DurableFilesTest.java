package org.jstgt.scsi.spc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A state file is replaced whole: its directory made, no temporary file left, a failure leaves the old text. */
class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesWholeAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("jstgt/media/cd0.state");
        DurableFiles.replace(file, "loaded=/srv/a.iso\n");
        assertEquals("loaded=/srv/a.iso\n", Files.readString(file));
        DurableFiles.replace(file, "loaded=\u00e9\n");
        assertEquals("loaded=\u00e9\n", Files.readString(file), "UTF-8");
        assertFalse(Files.exists(file.resolveSibling("cd0.state.tmp")));
    }

    @Test
    void aFailedReplaceLeavesTheOldText() throws IOException {
        Path file = dir.resolve("x.state");
        DurableFiles.replace(file, "old\n");
        // a directory where the temporary file goes: the write fails before the rename
        Files.createDirectory(dir.resolve("x.state.tmp"));
        assertThrows(IOException.class, () -> DurableFiles.replace(file, "new\n"));
        assertEquals("old\n", Files.readString(file));
    }
}
