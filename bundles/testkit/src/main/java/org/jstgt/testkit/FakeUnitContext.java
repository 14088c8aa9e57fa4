package org.jstgt.testkit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jstgt.api.media.MediumOpener;
import org.jstgt.api.scsi.LogicalUnit;
import org.jstgt.api.scsi.LunDirectory;
import org.jstgt.api.scsi.LunSpec;
import org.jstgt.api.scsi.Sense;
import org.jstgt.api.scsi.SenseKey;
import org.jstgt.api.scsi.SenseReason;
import org.jstgt.api.scsi.UnitContext;
import org.jstgt.api.scsi.UnitEvents;
import org.jstgt.api.store.BackingStore;

/**
 * A {@link UnitContext} for device unit tests: records the events a unit raises, serves media
 * from stores the test registers by path, and a directory of units the test registers by name.
 */
public final class FakeUnitContext implements UnitContext {
    private final LunSpec spec;
    private final Optional<BackingStore> store;
    private final List<Sense> raised = new CopyOnWriteArrayList<>();
    private final Map<String, BackingStore> media = new ConcurrentHashMap<>();
    private final Map<String, LogicalUnit> units = new ConcurrentHashMap<>();

    private FakeUnitContext(LunSpec spec, BackingStore store) {
        this.spec = spec;
        this.store = Optional.ofNullable(store);
    }

    /**
     * @param spec the LUN definition
     * @param store the store, or null for a LUN without {@code store.type}
     * @return the context
     */
    public static FakeUnitContext of(LunSpec spec, BackingStore store) {
        return new FakeUnitContext(spec, store);
    }

    /**
     * @param path a medium path
     * @param medium what {@link MediumOpener#open} returns for it
     * @return this
     */
    public FakeUnitContext medium(String path, BackingStore medium) {
        media.put(path, medium);
        return this;
    }

    /**
     * @param name a LUN name
     * @param unit what the directory returns for it
     * @return this
     */
    public FakeUnitContext unit(String name, LogicalUnit unit) {
        units.put(name, unit);
        return this;
    }

    /** @return the unit attentions raised so far, oldest first */
    public List<Sense> raised() {
        return List.copyOf(raised);
    }

    @Override
    public LunSpec spec() {
        return spec;
    }

    @Override
    public Optional<BackingStore> store() {
        return store;
    }

    @Override
    public MediumOpener media() {
        return (type, s) -> {
            BackingStore m = media.get(s.path());
            return m != null ? CompletableFuture.completedFuture(m)
                    : CompletableFuture.failedFuture(new java.io.IOException(s.path() + ": no such medium"));
        };
    }

    @Override
    public UnitEvents events() {
        return new UnitEvents() {
            @Override
            public void unitAttention(Sense sense) {
                if (sense.key() != SenseKey.UNIT_ATTENTION) {
                    throw new IllegalArgumentException("not a UNIT ATTENTION sense: " + sense);
                }
                raised.add(sense);
            }

            @Override
            public void capacityChanged() {
                raised.add(SenseReason.CAPACITY_DATA_HAS_CHANGED.sense());
            }

            @Override
            public void mediumChanged() {
                raised.add(SenseReason.NOT_READY_TO_READY_CHANGE_MEDIUM_MAY_HAVE_CHANGED.sense());
            }
        };
    }

    @Override
    public LunDirectory luns() {
        return name -> Optional.ofNullable(units.get(name));
    }
}
