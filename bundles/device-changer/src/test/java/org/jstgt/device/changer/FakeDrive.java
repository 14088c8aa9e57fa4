package org.jstgt.device.changer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.scsi.CommandDescriptor;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.ScsiException;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.SenseReason;

/**
 * A tape LUN as the changer sees it: a {@link RemovableMedium} that records its loads and unloads,
 * can prevent removal, fail, or hold its completion until the test releases it.
 */
final class FakeDrive implements LogicalUnit, RemovableMedium {
    final List<String> calls = new ArrayList<>();
    private String loaded;
    boolean prevented;
    /** Thrown (as the failed stage) by the next load, when set. */
    Throwable loadFailure;
    /** When set, loads and unloads complete only when the test completes this. */
    CompletableFuture<Void> gate;

    @Override
    public synchronized Optional<String> loaded() {
        return Optional.ofNullable(loaded);
    }

    synchronized void setLoaded(String path) {
        loaded = path;
    }

    @Override
    public synchronized CompletionStage<Void> load(String path) {
        calls.add("load " + path);
        if (loadFailure != null) {
            Throwable f = loadFailure;
            loadFailure = null;
            return CompletableFuture.failedFuture(f);
        }
        if (loaded != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("loaded already"));
        }
        return after(() -> setLoaded(path));
    }

    @Override
    public synchronized CompletionStage<Void> unload(boolean force) {
        calls.add("unload " + force);
        if (prevented && !force) {
            return CompletableFuture.failedFuture(new IllegalStateException("removal prevented"));
        }
        if (loaded == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing loaded"));
        }
        return after(() -> setLoaded(null));
    }

    private CompletionStage<Void> after(Runnable change) {
        if (gate == null) {
            change.run();
            return CompletableFuture.completedFuture(null);
        }
        return gate.thenRun(change);
    }

    @Override
    public synchronized boolean removalPrevented() {
        return prevented;
    }

    @Override
    public Optional<RemovableMedium> removableMedium() {
        return Optional.of(this);
    }

    @Override
    public CommandDescriptor parse(ScsiTask task) throws ScsiException {
        throw new ScsiException(SenseReason.INVALID_COMMAND_OPERATION_CODE);
    }

    @Override
    public int peripheralDeviceType() {
        return 1;
    }

    @Override
    public long capacityBytes() {
        return 0;
    }

    @Override
    public void close() {
    }
}
