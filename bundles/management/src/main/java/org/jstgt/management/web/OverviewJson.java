package org.jstgt.management.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LatencyHistogram;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.SessionInfo;
import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.management.Entity;
import org.jstgt.management.LunHistory;
import org.jstgt.management.Rate;
import org.jstgt.management.Sample;

/**
 * The overview the web page polls ({@code /jstgt/api/overview}): targets, LUNs and sessions with
 * their states, cumulative counters and the last interval's rates and latency quantiles.
 *
 * <pre>
 * {"time": epoch ms, "interval": seconds the rates cover,
 *  "targets": [{"name", "iqn", "alias", "state", "portals": [...], "luns": ["0=disk0"], "stats": S}],
 *  "luns": [{"name", "device", "store", "size", "blockSize", "readOnly", "state", "mappings": [...], "stats": S}],
 *  "sessions": [{"tsih", "initiator", "isid", "target", "connections": [...], "stats": S}],
 *  "history": {"disk0": [[epoch ms, readIops, writeIops, readBps, writeBps, readP99 s, writeP99 s], ...]}}
 * S = {"reads", "writes", "others", "readBytes", "writeBytes", "errors", "errorsBySenseKey": {...},
 *      "busy", "inFlight", "readIops", "writeIops", "readBps", "writeBps",
 *      "readLatency": L, "writeLatency": L}
 * L = {"p50", "p99", "p999", "count"} of the interval, in seconds
 * </pre>
 */
public final class OverviewJson {
    private OverviewJson() {
    }

    /**
     * @param sample the latest sample
     * @param history the last minutes of each LUN's rates
     * @param epochMillis the wall-clock time to report
     * @return the overview as JSON text
     */
    public static String render(Sample sample, Map<String, List<LunHistory.Point>> history, long epochMillis) {
        Map<String, Entity> byId = new HashMap<>();
        for (Entity e : Entity.of(sample)) {
            byId.put(e.id(), e);
        }
        Json j = new Json().beginObject();
        j.name("time").value(epochMillis).name("interval").value(sample.seconds());
        j.name("targets").beginArray();
        for (TargetInfo t : sample.snapshot().targets()) {
            j.beginObject().name("name").value(t.name()).name("iqn").value(t.iqn()).name("alias").value(t.alias())
                    .name("state").value(t.state()).name("portals").strings(t.portals()).name("luns")
                    .strings(t.luns());
            stats(j, byId.get("target/" + t.name()));
            j.endObject();
        }
        j.endArray().name("luns").beginArray();
        List<LunInfo> luns = sample.snapshot().luns().stream()
                .sorted(java.util.Comparator.comparing(LunInfo::name)).toList();
        for (LunInfo l : luns) {
            j.beginObject().name("name").value(l.name()).name("device").value(l.deviceType()).name("store")
                    .value(l.storeType()).name("size").value(l.sizeBytes()).name("blockSize").value(l.blockSize())
                    .name("readOnly").value(l.readOnly()).name("state").value(l.state()).name("mappings")
                    .strings(l.mappings());
            stats(j, byId.get("lun/" + l.name()));
            j.endObject();
        }
        j.endArray().name("sessions").beginArray();
        for (SessionInfo s : sample.snapshot().sessions()) {
            if ("Discovery".equalsIgnoreCase(s.type())) {
                continue;
            }
            j.beginObject().name("tsih").value(s.tsih()).name("initiator").value(s.initiatorName()).name("isid")
                    .value(s.isid()).name("target").value(s.targetName()).name("connections")
                    .strings(s.connections());
            stats(j, byId.get("session/" + s.tsih()));
            j.endObject();
        }
        j.endArray().name("history").beginObject();
        history.forEach((lun, points) -> {
            j.name(lun).beginArray();
            for (LunHistory.Point p : points) {
                j.beginArray().value(p.epochMillis()).value(p.readIops()).value(p.writeIops()).value(p.readBps())
                        .value(p.writeBps()).value(p.readP99()).value(p.writeP99()).endArray();
            }
            j.endArray();
        });
        return j.endObject().endObject().toString();
    }

    private static void stats(Json j, Entity e) {
        IoStats s = e == null ? IoStats.EMPTY : e.stats();
        Rate r = e == null ? Rate.NONE : e.rate();
        j.name("stats").beginObject().name("reads").value(s.reads()).name("writes").value(s.writes())
                .name("others").value(s.others()).name("readBytes").value(s.readBytes()).name("writeBytes")
                .value(s.writeBytes()).name("errors").value(s.errors()).name("errorsBySenseKey")
                .longs(s.errorsBySenseKey()).name("busy").value(s.busy()).name("inFlight").value(s.inFlight())
                .name("readIops").value(r.readIops()).name("writeIops").value(r.writeIops()).name("readBps")
                .value(r.readBytesPerSecond()).name("writeBps").value(r.writeBytesPerSecond());
        latency(j.name("readLatency"), r.readLatency());
        latency(j.name("writeLatency"), r.writeLatency());
        j.endObject();
    }

    private static void latency(Json j, LatencyHistogram h) {
        j.beginObject().name("p50").value(Rate.seconds(h, 0.5)).name("p99").value(Rate.seconds(h, 0.99))
                .name("p999").value(Rate.seconds(h, 0.999)).name("count").value(h.count()).endObject();
    }
}
