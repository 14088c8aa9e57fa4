package org.jstgt.scsi.core;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.UnitLease;
import org.jstgt.api.target.ScsiTarget;
import org.jstgt.scsi.config.LunConfig;

/**
 * The LUN directory units see ({@link LunDirectory}): by name, and by NAA identifier within the
 * asking command's target. Both lookups are one hash lookup; the identifier index follows each
 * LUN's configuration as the manager sets it. Lock-free for readers.
 */
final class Directory implements LunDirectory {
    private final Map<String, LunRuntime> byName = new ConcurrentHashMap<>();
    private final Map<Long, LunRuntime> byNaa = new ConcurrentHashMap<>();
    private final TargetMaps maps;

    Directory(TargetMaps maps) {
        this.maps = maps;
    }

    /** A LUN was created; under the manager's lock. */
    void added(LunRuntime lun) {
        byName.put(lun.name, lun);
    }

    /** A LUN's configuration changed (or first parsed); under the manager's lock. */
    void configured(LunRuntime lun, LunConfig previous, LunConfig next) {
        if (previous != null && (next == null || previous.naaId() != next.naaId())) {
            byNaa.remove(previous.naaId(), lun);
        }
        if (next != null) {
            byNaa.put(next.naaId(), lun);
        }
    }

    /** A LUN was removed; under the manager's lock. */
    void removed(LunRuntime lun) {
        byName.remove(lun.name, lun);
        LunConfig c = lun.config;
        if (c != null) {
            byNaa.remove(c.naaId(), lun);
        }
    }

    void clear() {
        byName.clear();
        byNaa.clear();
    }

    @Override
    public Optional<LogicalUnit> unit(String lunName) {
        LunRuntime l = byName.get(lunName);
        UnitHandle h = l == null ? null : l.handle();
        return h == null ? Optional.empty() : Optional.of(h.unit);
    }

    @Override
    public Optional<LunSpec> spec(String lunName) {
        LunRuntime l = byName.get(lunName);
        LunConfig c = l == null ? null : l.config;
        return c == null ? Optional.empty() : Optional.of(c.lunSpec());
    }

    @Override
    public Optional<UnitLease> lease(ScsiTask task, long naaId) {
        LunRuntime lun = byNaa.get(naaId);
        Optional<ScsiTarget> st = maps.target(task.targetName());
        if (lun == null || st.isEmpty()) {
            return Optional.empty();
        }
        TargetRuntime t = (TargetRuntime) st.get();
        int number = -1;
        for (int n : t.numbersOf(lun.name)) {
            if (t.map.get(n) == lun) {
                number = n;
                break;
            }
        }
        UnitHandle h = lun.handle();
        if (number < 0 || h == null || h.config.naaId() != naaId || !h.tryAcquire()) {
            return Optional.empty();
        }
        return Optional.of(new Lease(h, number));
    }

    private static final class Lease implements UnitLease {
        private final UnitHandle handle;
        private final int lun;
        private final AtomicBoolean closed = new AtomicBoolean();

        Lease(UnitHandle handle, int lun) {
            this.handle = handle;
            this.lun = lun;
        }

        @Override
        public LogicalUnit unit() {
            return handle.unit;
        }

        @Override
        public int lun() {
            return lun;
        }

        @Override
        public LunSpec spec() {
            return handle.config.lunSpec();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                handle.release();
            }
        }
    }
}
