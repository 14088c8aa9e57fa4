package org.jstgt.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jstgt.api.media.RemovableMedium;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.LunInfo;
import org.jstgt.api.mgmt.ReservationInfo;
import org.jstgt.api.mgmt.TargetInfo;

/**
 * What {@code iscsi:lun-info <lun>} prints: the LUN's state, store, size, mappings (with the
 * targets' IQNs), reservations, medium and I/O counters, then the keys of its definition.
 */
final class LunDetails {
    /**
     * What is known of one LUN.
     *
     * @param lun its listing row
     * @param definition the keys of its file, or null when Config Admin has none (a file being removed)
     * @param reservations its reservations, when a view keeps them
     * @param medium its medium slot, when it is an active DVD or tape drive
     * @param stats its I/O counters, or null when no view keeps them
     */
    record Lun(LunInfo lun, Map<String, Object> definition, Optional<ReservationInfo> reservations,
            Optional<RemovableMedium> medium, IoStats stats) {
    }

    private LunDetails() {
    }

    /**
     * @param out the console
     * @param l the LUN
     * @param all every target (to name the IQNs it is mapped under)
     * @param errors failing views
     * @param format borders (false for {@code --no-format})
     */
    static void print(PrintStream out, Lun l, List<TargetInfo> all, List<String> errors, boolean format) {
        LunInfo i = l.lun();
        out.println("LUN " + i.name() + " (" + i.origin() + ")");
        facts(l, all).table().print(out, format);
        out.println();
        out.println("Definition:");
        Facts.definition(l.definition() == null ? Map.of() : l.definition(),
                "no configuration in Config Admin (the file was removed?)").print(out, format);
        Tables.printErrors(out, errors);
    }

    static Facts facts(Lun l, List<TargetInfo> all) {
        LunInfo i = l.lun();
        Facts f = new Facts().add("State", i.state() + (i.readOnly() ? " (read-only)" : ""))
                .add("Device", i.deviceType())
                .add("Store", i.storeType().isEmpty() ? "-"
                        : i.storeType() + (i.path() == null || i.path().isEmpty() ? "" : ": " + i.path()))
                .add("Size", i.sizeBytes() > 0 ? Facts.size(i.sizeBytes()) : "-")
                .add("Block size", i.blockSize() > 0 ? i.blockSize() : "-")
                .add("Mapped", mappings(i, all));
        l.reservations().ifPresent(r -> f.add("Reservations", reservations(r)));
        l.medium().ifPresent(m -> f.add("Medium", m.loaded().orElse("(none)")
                + (m.status() == null || m.status().isEmpty() ? "" : ", " + m.status())
                + (m.removalPrevented() ? ", removal prevented" : "")));
        if (l.stats() != null) {
            f.add("I/O", Facts.io(l.stats()));
            f.add("Read latency", Facts.latency(l.stats().readLatency()));
            f.add("Write latency", Facts.latency(l.stats().writeLatency()));
        }
        return f;
    }

    /** @return {@code demo:0 (iqn...)} per mapping */
    private static String mappings(LunInfo i, List<TargetInfo> all) {
        List<String> out = new ArrayList<>();
        for (String m : i.mappings()) {
            int colon = m.lastIndexOf(':');
            String target = colon < 0 ? m : m.substring(0, colon);
            String iqn = all.stream().filter(t -> t.name().equals(target)).map(TargetInfo::iqn).findFirst().orElse("");
            out.add(m + (iqn.isEmpty() ? "" : " (" + iqn + ")"));
        }
        return out.isEmpty() ? "not mapped" : String.join(", ", out);
    }

    private static String reservations(ReservationInfo r) {
        String pr = r.type().isEmpty() ? "none" : r.type();
        return "persistent " + pr + ", " + r.registrations().size() + " registration(s), PRgeneration "
                + r.generation() + (r.spc2Holder().isEmpty() ? "" : "; RESERVE held by " + r.spc2Holder())
                + " (iscsi:pr-list " + r.lun() + ")";
    }
}
