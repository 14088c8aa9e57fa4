package org.jstgt.device.changer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.ScsiTask;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.UnitContext;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.api.scsi.UnitLease;
import org.jstgt.api.store.BackingStore;

/**
 * A changer's context: its spec, a directory of drive units and specs the test sets, LUN numbers
 * for leases, and the unit attentions raised ({@code "all 28/00"}, {@code "others 28/01 <initiator>"}).
 */
final class TestContext implements UnitContext, LunDirectory, UnitEvents {
    private final LunSpec spec;
    final Map<String, LogicalUnit> units = new ConcurrentHashMap<>();
    final Map<String, LunSpec> specs = new ConcurrentHashMap<>();
    final Map<Long, Integer> lunNumbers = new ConcurrentHashMap<>();
    final List<String> raised = new CopyOnWriteArrayList<>();

    TestContext(LunSpec spec) {
        this.spec = spec;
    }

    static LunSpec tapeSpec(String name, String serial, long naa) {
        return new LunSpec(name, "etc/jstgt.lun-" + name + ".cfg", "tape", "", 512, false, "JSTGT", "VIRTUAL-TAPE",
                "0001", serial, naa, Map.of());
    }

    /** Adds an active drive with its spec; its LUN number in the target is {@code lun}. */
    FakeDrive drive(String name, int lun) {
        FakeDrive d = new FakeDrive();
        units.put(name, d);
        LunSpec s = tapeSpec(name, "SER" + name.toUpperCase(), 0x3000_0000_0000_0100L + lun);
        specs.put(name, s);
        lunNumbers.put(s.naaId(), lun);
        return d;
    }

    @Override
    public LunSpec spec() {
        return spec;
    }

    @Override
    public Optional<BackingStore> store() {
        return Optional.empty();
    }

    @Override
    public MediumOpener media() {
        throw new UnsupportedOperationException();
    }

    @Override
    public UnitEvents events() {
        return this;
    }

    @Override
    public LunDirectory luns() {
        return this;
    }

    @Override
    public Optional<LogicalUnit> unit(String lunName) {
        return Optional.ofNullable(units.get(lunName));
    }

    @Override
    public Optional<LunSpec> spec(String lunName) {
        return Optional.ofNullable(specs.get(lunName));
    }

    @Override
    public Optional<UnitLease> lease(ScsiTask task, long naaId) {
        Integer lun = lunNumbers.get(naaId);
        if (lun == null) {
            return Optional.empty();
        }
        LunSpec s = specs.values().stream().filter(x -> x.naaId() == naaId).findFirst().orElseThrow();
        return Optional.of(new UnitLease() {
            @Override
            public LogicalUnit unit() {
                return units.get(s.name());
            }

            @Override
            public int lun() {
                return lun;
            }

            @Override
            public LunSpec spec() {
                return s;
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void unitAttention(Sense sense) {
        check(sense);
        raised.add(String.format("all %02X/%02X", sense.asc(), sense.ascq()));
    }

    @Override
    public void unitAttentionToOthers(Sense sense, String initiatorPortName, String targetPortName) {
        check(sense);
        raised.add(String.format("others %02X/%02X %s", sense.asc(), sense.ascq(), initiatorPortName));
    }

    private static void check(Sense sense) {
        if (sense.key() != SenseKey.UNIT_ATTENTION) {
            throw new IllegalArgumentException(sense.toString());
        }
    }

    @Override
    public void capacityChanged() {
        raised.add("capacity");
    }

    @Override
    public void mediumChanged() {
        raised.add("medium");
    }
}
