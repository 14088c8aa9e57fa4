package org.jstgt.device.tape;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.media.RemovableMedium;

/** The drive's cartridge slot as a changer and the shell see it ({@link TapeUnit} does the work). */
final class TapeSlot implements RemovableMedium {
    private final TapeUnit unit;

    TapeSlot(TapeUnit unit) {
        this.unit = unit;
    }

    @Override
    public Optional<String> loaded() {
        return unit.loadedPath();
    }

    @Override
    public CompletionStage<Void> load(String path) {
        return unit.loadMedium(path);
    }

    @Override
    public CompletionStage<Void> unload(boolean force) {
        return unit.unloadMedium(force);
    }

    @Override
    public boolean removalPrevented() {
        return unit.removalPrevented();
    }

    @Override
    public String status() {
        return unit.status();
    }
}
