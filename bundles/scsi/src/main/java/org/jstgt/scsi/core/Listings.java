package org.jstgt.scsi.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.config.Props;
import org.jstgt.scsi.config.TargetConfig;

/** The management view of LUNs and targets, including configurations that were refused. */
final class Listings {
    /** The ACL shown for a target whose file is invalid: it admits no new login. */
    static final String NONE = "NONE (configuration invalid)";

    private Listings() {
    }

    static List<LunInfo> luns(Collection<LunRuntime> luns, Collection<Pending> conflicts,
            Collection<TargetRuntime> targets) {
        Map<LunRuntime, List<String>> mappings = new HashMap<>();
        for (TargetRuntime t : targets) {
            t.map.forEach((n, l) -> mappings.computeIfAbsent(l, k -> new ArrayList<>()).add(t.name() + ":" + n));
        }
        List<LunInfo> out = new ArrayList<>();
        for (LunRuntime lun : luns) {
            LunConfig c = lun.config;
            Map<String, String> raw = lun.raw;
            UnitHandle h = lun.handle();
            List<String> maps = new ArrayList<>(mappings.getOrDefault(lun, List.of()));
            maps.sort(null);
            long size = h != null ? h.capacity()
                    : lun.state() instanceof LunState.Offline o && o.unit().capacity() >= 0 ? o.unit().capacity()
                    : c != null ? c.size() : 0;
            String path = h != null && h.store != null ? h.store.describe()
                    : c != null && c.storePath() != null ? c.storePath() : raw.getOrDefault(LunConfig.STORE_PATH, "");
            out.add(new LunInfo(lun.name, lun.origin,
                    c != null ? c.deviceType() : raw.getOrDefault(LunConfig.DEVICE_TYPE, ""),
                    c != null ? c.storeType() : raw.getOrDefault(LunConfig.STORE_TYPE, ""), size,
                    c != null ? c.blockSize() : 0, path, c != null && c.readOnly(), lun.state().toString(), maps));
        }
        for (Pending p : conflicts) {
            Map<String, String> raw = Props.strings(p.props());
            out.add(new LunInfo(p.name(), p.origin(), raw.getOrDefault(LunConfig.DEVICE_TYPE, ""),
                    raw.getOrDefault(LunConfig.STORE_TYPE, ""), 0, 0, raw.getOrDefault(LunConfig.STORE_PATH, ""),
                    false, "FAILED(" + p.problem() + ")", List.of()));
        }
        return out;
    }

    static List<TargetInfo> targets(Map<String, TargetRuntime> targetsByPid, Map<String, Pending> failures) {
        List<TargetInfo> out = new ArrayList<>();
        Set<String> pids = new HashSet<>(targetsByPid.keySet());
        pids.addAll(failures.keySet());
        for (String pid : pids) {
            TargetRuntime t = targetsByPid.get(pid);
            Pending failure = failures.get(pid);
            if (t != null) {
                TargetConfig c = t.config;
                List<String> lunList = new ArrayList<>();
                c.luns().forEach((n, name) -> lunList.add(n + "=" + name + (t.map.get(n) == null ? " (missing)" : "")));
                List<String> acl = failure != null ? List.of(NONE) : c.initiators().entries();
                String state = failure == null ? "ACTIVE"
                        : "FAILED(" + failure.problem() + "; logins refused until fixed)";
                out.add(new TargetInfo(c.name(), c.origin(), c.iqn(), c.alias(), c.portals(), lunList, acl, state));
            } else {
                Map<String, String> raw = Props.strings(failure.props());
                out.add(new TargetInfo(failure.name(), failure.origin(), raw.getOrDefault(TargetConfig.IQN, ""),
                        raw.getOrDefault(TargetConfig.ALIAS, ""), Props.list(raw.get(TargetConfig.PORTALS)), List.of(),
                        List.of(NONE), "FAILED(" + failure.problem() + ")"));
            }
        }
        out.sort(Comparator.comparing(TargetInfo::iqn).thenComparing(TargetInfo::name));
        return out;
    }
}
