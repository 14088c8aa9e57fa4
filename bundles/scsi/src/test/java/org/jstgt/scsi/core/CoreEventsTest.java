package org.jstgt.scsi.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jstgt.api.Pids;
import org.jstgt.api.scsi.DeviceProvider;
import org.jstgt.api.store.BackingStoreProvider;
import org.jstgt.scsi.events.CoreEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core's events (issue 16): LUN state changes and refused configurations, for Event Admin. */
class CoreEventsTest {
    private final List<Map.Entry<String, Map<String, Object>>> events = new ArrayList<>();
    private Harness h;

    @BeforeEach
    void record() {
        CoreEvents.sink((topic, properties) -> events.add(Map.entry(topic, properties)));
    }

    @AfterEach
    void tearDown() {
        CoreEvents.sink(null);
        if (h != null) {
            h.close();
        }
    }

    private List<Map<String, Object>> of(String topic) {
        return events.stream().filter(e -> e.getKey().equals(topic)).map(Map.Entry::getValue).toList();
    }

    @Test
    void eachLunStateChangeIsPostedOnceWithTheStateBeforeAndTheReason() {
        h = new Harness(15_000);
        h.lun("d0");
        h.manager.addStoreProvider(h.stores, Map.of(BackingStoreProvider.TYPE, "fake"));
        h.manager.addDeviceProvider(h.devices, Map.of(DeviceProvider.TYPE, "fake"));
        assertEquals("ACTIVE", h.manager.lunState("d0"));
        List<Map<String, Object>> states = of(CoreEvents.LUN_STATE);
        assertEquals(List.of("WAITING", "WAITING", "ACTIVE"), states.stream().map(p -> p.get(CoreEvents.STATE)).toList(),
                states.toString());
        assertEquals("store.type=fake", states.get(0).get(CoreEvents.REASON));
        assertEquals("device.type=fake", states.get(1).get(CoreEvents.REASON));
        Map<String, Object> active = states.get(2);
        assertEquals("d0", active.get(CoreEvents.LUN));
        assertEquals("WAITING", active.get(CoreEvents.PREVIOUS));
        assertEquals("/opt/jstgt/etc/jstgt.lun-d0.cfg", active.get(CoreEvents.ORIGIN));
        assertTrue(!active.containsKey(CoreEvents.REASON), "ACTIVE needs no reason");

        events.clear();
        h.lun("d0"); // the same definition again: no change, nothing posted
        assertEquals(List.of(), of(CoreEvents.LUN_STATE));
    }

    @Test
    void aRefusedLunFileIsPostedWithFileAndKeyAndItsFailedState() {
        h = new Harness(15_000).withProviders();
        h.lun("bad", "block.size", "513");
        List<Map<String, Object>> errors = of(CoreEvents.CONFIG_ERROR);
        assertEquals(1, errors.size(), events.toString());
        Map<String, Object> e = errors.get(0);
        assertEquals(Pids.LUN, e.get(CoreEvents.PID));
        assertEquals("bad", e.get(CoreEvents.NAME));
        assertEquals("/opt/jstgt/etc/jstgt.lun-bad.cfg", e.get(CoreEvents.ORIGIN));
        assertEquals("block.size", e.get(CoreEvents.KEY));
        assertTrue(String.valueOf(e.get(CoreEvents.REASON)).contains("'513' is not one of 512"), e.toString());
        Map<String, Object> failed = of(CoreEvents.LUN_STATE).get(of(CoreEvents.LUN_STATE).size() - 1);
        assertEquals("FAILED", failed.get(CoreEvents.STATE));
    }

    @Test
    void aRefusedTargetFileIsPosted() {
        h = new Harness(15_000).withProviders();
        h.target("t1", "initiators", "");
        List<Map<String, Object>> errors = of(CoreEvents.CONFIG_ERROR);
        assertEquals(1, errors.size(), events.toString());
        assertEquals(Pids.TARGET, errors.get(0).get(CoreEvents.PID));
        assertEquals("t1", errors.get(0).get(CoreEvents.NAME));
        assertTrue(String.valueOf(errors.get(0).get(CoreEvents.REASON)).contains("initiators"), errors.toString());
    }

    @Test
    void withoutASinkNothingIsPosted() {
        CoreEvents.sink(null);
        h = new Harness(15_000).withProviders();
        h.lun("bad", "block.size", "513");
        assertEquals(List.of(), events);
    }
}
