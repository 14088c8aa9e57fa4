package org.jstgt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.jstgt.testkit.Await;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Issue 16's configuration and observability in the real assembly: {@code config:meta} shows every
 * jstgt PID's typed keys with their defaults (secrets as passwords), and Event Admin delivers the
 * fabric's and the core's events (login, logout, LUN state, refused configuration of the core's and
 * the fabric's files).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ObservabilityPaxExamIT {
    private static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);
    private static final String IQN = "iqn.2026-12.org.jstgt.itest:observed";
    private static final String INITIATOR = "iqn.2026-12.org.jstgt.itest:watcher";

    @Inject
    private BootFinished bootFinished;

    @Inject
    private BundleContext bundleContext;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private SessionFactory sessionFactory;

    private final List<org.osgi.service.cm.Configuration> created = new ArrayList<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private ServiceRegistration<EventHandler> handler;

    @Configuration
    public Option[] config() {
        return PaxAssembly.options();
    }

    @After
    public void cleanUp() throws IOException {
        if (handler != null) {
            handler.unregister();
        }
        for (org.osgi.service.cm.Configuration c : created) {
            c.delete();
        }
    }

    @Test
    public void configMetaShowsEveryPidsTypedKeysAndDefaults() throws Exception {
        String lun = PaxAssembly.shell(sessionFactory, "config:meta jstgt.lun");
        assertTrue(lun, lun.contains("block.size") && lun.contains("512") && lun.contains("device.type"));
        assertTrue(lun, lun.contains("int") && lun.contains("boolean"));
        String auth = PaxAssembly.shell(sessionFactory, "config:meta jstgt.auth");
        assertTrue(auth, auth.contains("chap.secret") && auth.contains("password"));
        String target = PaxAssembly.shell(sessionFactory, "config:meta jstgt.target");
        assertTrue(target, target.contains("header.digest") && target.contains("None,CRC32C"));
        for (String pid : List.of("jstgt.portal", "jstgt.discovery", "jstgt.iscsi", "jstgt.scsi")) {
            String out = PaxAssembly.shell(sessionFactory, "config:meta " + pid);
            assertTrue(pid + ": " + out, !out.contains("No meta type definition"));
        }
        String fabric = PaxAssembly.shell(sessionFactory, "config:meta jstgt.iscsi");
        assertTrue(fabric, fabric.contains("transport") && fabric.contains("auto") && fabric.contains("peer.log.limit"));
    }

    @Test
    public void loginLogoutLunStateAndConfigErrorsReachEventAdmin() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {"org/jstgt/*"});
        handler = bundleContext.registerService(EventHandler.class, events::add, props);
        factory("jstgt.lun", "observedram", "device.type", "disk", "store.type", "memory", "size", "8MiB");
        factory("jstgt.target", "observed", "iqn", IQN, "lun.0", "observedram");
        Await.until(PaxAssembly.WAIT, "the LUN active", () -> events.stream().anyMatch(e ->
                e.getTopic().equals("org/jstgt/lun/STATE") && "observedram".equals(e.getProperty("lun"))
                        && "ACTIVE".equals(e.getProperty("state"))), ok -> ok);
        Await.until(PaxAssembly.WAIT, "a login to " + IQN, () -> {
            try (Initiator i = Initiator.connect(PORTAL, InitiatorOptions.defaults().withInitiatorName(INITIATOR))) {
                i.login(IQN);
                i.logout();
                return true;
            } catch (IOException e) {
                return false;
            }
        }, ok -> ok);
        Await.until(PaxAssembly.WAIT, "LOGIN and LOGOUT events", () -> topicsOf(INITIATOR).containsAll(
                List.of("org/jstgt/session/LOGIN", "org/jstgt/session/LOGOUT")), ok -> ok);
        Event login = events.stream().filter(e -> e.getTopic().equals("org/jstgt/session/LOGIN")
                && INITIATOR.equals(e.getProperty("initiator"))).findFirst().orElseThrow();
        assertEquals(IQN, login.getProperty("target"));
        assertEquals("normal", login.getProperty("type"));

        factory("jstgt.lun", "observedbad", "device.type", "disk", "store.type", "memory", "size", "8MiB",
                "block.size", "513");
        Await.until(PaxAssembly.WAIT, "a config error event", () -> events.stream().anyMatch(e ->
                e.getTopic().equals("org/jstgt/config/ERROR") && "observedbad".equals(e.getProperty("name"))
                        && "block.size".equals(e.getProperty("key"))), ok -> ok);
        // the fabric's files too: a portal that cannot listen
        factory("jstgt.portal", "observedport", "listen", "127.0.0.1:99999", "tag", "7");
        Await.until(PaxAssembly.WAIT, "a portal config error event", () -> events.stream().anyMatch(e ->
                e.getTopic().equals("org/jstgt/config/ERROR") && "observedport".equals(e.getProperty("name"))
                        && "jstgt.portal".equals(e.getProperty("pid")) && "listen".equals(e.getProperty("key"))),
                ok -> ok);
    }

    private List<String> topicsOf(String initiator) {
        return events.stream().filter(e -> initiator.equals(e.getProperty("initiator"))).map(Event::getTopic).toList();
    }

    private void factory(String factoryPid, String name, String... keyValues) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.createFactoryConfiguration(factoryPid, "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        for (int k = 0; k < keyValues.length; k += 2) {
            p.put(keyValues[k], keyValues[k + 1]);
        }
        c.update(p);
        created.add(c);
    }
}
