package org.jstgt.scsi.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jstgt.api.media.MediaChanger;
import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.ReservationInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.api.scsi.LogicalUnit;

/**
 * The core's {@link ManagementView}: LUN and target listings from the {@link LunManager}, a LUN's
 * reservations and their administrative CLEAR ({@link ReservationAdmin}), the medium slot or
 * changer of an active unit, and the LUNs' and targets' I/O counters ({@link IoCounters}). A separate object from
 * the manager: its {@code targets()} differs from {@link org.jstgt.api.target.TargetRegistry#targets()}.
 */
final class CoreView implements ManagementView {
    private final LunManager manager;
    private final TargetMaps maps;

    CoreView(LunManager manager, TargetMaps maps) {
        this.manager = manager;
        this.maps = maps;
    }

    @Override
    public List<LunInfo> luns() {
        return manager.lunInfos();
    }

    @Override
    public List<TargetInfo> targets() {
        return manager.targetInfos();
    }

    @Override
    public Map<String, IoStats> lunStats() {
        return manager.lunStats();
    }

    @Override
    public Map<String, IoStats> targetStats() {
        return manager.targetStats();
    }

    @Override
    public Optional<ReservationInfo> reservations(String name) {
        return Optional.ofNullable(manager.lun(name)).map(ReservationAdmin::info);
    }

    @Override
    public Optional<RemovableMedium> medium(String name) {
        return active(name).flatMap(LogicalUnit::removableMedium);
    }

    @Override
    public Optional<MediaChanger> changer(String name) {
        return active(name).flatMap(LogicalUnit::mediaChanger);
    }

    private Optional<LogicalUnit> active(String name) {
        LunRuntime l = manager.lun(name);
        UnitHandle h = l == null ? null : l.handle();
        return h == null ? Optional.empty() : Optional.of(h.unit);
    }

    @Override
    public boolean clearReservations(String name) {
        LunRuntime l = manager.lun(name);
        if (l != null) {
            ReservationAdmin.clear(l, maps);
        }
        return l != null;
    }
}
