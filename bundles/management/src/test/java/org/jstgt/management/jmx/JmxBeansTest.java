package org.jstgt.management.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.jstgt.api.mgmt.IoMeter;
import org.jstgt.api.mgmt.IoMeter.Kind;
import org.jstgt.management.Entity;
import org.jstgt.management.FakeView;
import org.jstgt.management.StatsPoller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JmxBeansTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FakeView view = new FakeView();
    private final AtomicLong clock = new AtomicLong();
    private final StatsPoller poller = new StatsPoller(() -> List.of(view), clock::get);
    private final JmxBeans beans = new JmxBeans(server);

    @AfterEach
    void close() {
        beans.close();
    }

    private void tick(long millis) {
        clock.addAndGet(millis * 1_000_000);
        beans.sync(Entity.of(poller.tick()));
    }

    @Test
    void lunMBeanShowsCountersRatesAndLatency() throws Exception {
        IoMeter disk = view.lun("disk0");
        tick(0);
        for (int i = 0; i < 500; i++) {
            disk.record(Kind.READ, 4096, 2_000_000, 0, 0); // 2 ms
        }
        disk.record(Kind.WRITE, 512, 100_000, 0, 0);
        disk.record(Kind.OTHER, 0, 1000, 2, 6);
        view.inFlight = 4;
        tick(500);
        ObjectName name = new ObjectName("org.jstgt:type=Lun,name=disk0");
        assertTrue(server.isRegistered(name));
        assertEquals("ACTIVE", server.getAttribute(name, "State"));
        assertEquals(500L, server.getAttribute(name, "Reads"));
        assertEquals(1L, server.getAttribute(name, "Writes"));
        assertEquals(1L, server.getAttribute(name, "OtherCommands"));
        assertEquals(500L * 4096, server.getAttribute(name, "ReadBytes"));
        assertEquals(1L, server.getAttribute(name, "Errors"));
        assertEquals(4, server.getAttribute(name, "InFlight"));
        assertEquals(1000.0, (double) server.getAttribute(name, "ReadIops"), 1e-9, "500 reads in half a second");
        assertEquals(1000.0 * 4096, (double) server.getAttribute(name, "ReadBytesPerSecond"), 1e-6);
        double p99 = (double) server.getAttribute(name, "ReadLatencyP99Millis");
        assertTrue(p99 >= 2.0 && p99 <= 2.0 * 1.125, "p99 " + p99);
        TabularData bySenseKey = (TabularData) server.getAttribute(name, "ErrorsBySenseKey");
        CompositeData row = bySenseKey.get(new Object[] {"UNIT ATTENTION"});
        assertEquals(1L, row.get("value"));
        for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
            assertFalse(a.isWritable(), a.getName() + " is read-only");
        }
    }

    @Test
    void targetsAndSessionsHaveMBeansAndGoneOnesAreUnregistered() throws Exception {
        view.target("demo").record(Kind.WRITE, 4096, 1000, 0, 0);
        view.session(12, "iqn.2026-11.org.example:host").record(Kind.READ, 512, 1000, 0, 0);
        view.lun("disk1");
        tick(0);
        ObjectName target = new ObjectName("org.jstgt:type=Target,name=demo");
        ObjectName session = new ObjectName("org.jstgt:type=Session,name=12");
        ObjectName lun = new ObjectName("org.jstgt:type=Lun,name=disk1");
        assertEquals(1L, server.getAttribute(target, "Writes"));
        assertEquals(512L, server.getAttribute(session, "ReadBytes"));
        assertEquals("LOGGED_IN", server.getAttribute(session, "State"));
        assertTrue(server.isRegistered(lun));
        view.removeLun("disk1");
        tick(1000);
        assertFalse(server.isRegistered(lun));
        beans.close();
        assertFalse(server.isRegistered(target));
        assertFalse(server.isRegistered(session));
    }

    @Test
    void namesWithReservedCharactersAreQuoted() throws Exception {
        Entity odd = new Entity(Entity.Kind.LUN, "a,b=c", Map.of("lun", "a,b=c"), "ACTIVE",
                org.jstgt.api.mgmt.IoStats.EMPTY, org.jstgt.management.Rate.NONE);
        assertEquals("a,b=c", ObjectName.unquote(JmxBeans.objectName(odd).getKeyProperty("name")));
    }
}
