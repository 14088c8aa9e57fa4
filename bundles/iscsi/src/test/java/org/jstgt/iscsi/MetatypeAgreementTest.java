package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jstgt.api.Pids;
import org.jstgt.iscsi.limits.PortalLimits;
import org.jstgt.iscsi.limits.Setting;
import org.jstgt.iscsi.log.LogBudget;
import org.jstgt.iscsi.poll.PollWindow;
import org.jstgt.iscsi.security.AuthPolicy;
import org.jstgt.iscsi.security.DiscoveryPolicy;
import org.jstgt.testkit.Metatype;
import org.junit.jupiter.api.Test;

/**
 * One truth for defaults (issue 16): the metatype documents of {@code jstgt.target},
 * {@code jstgt.portal}, {@code jstgt.discovery} and {@code jstgt.iscsi} name every key the fabric
 * reads, with the default the fabric applies, and the sample files in {@code etc/} document the
 * same keys (and no other).
 */
class MetatypeAgreementTest {
    private static final Metatype TARGET = Metatype.resource("/OSGI-INF/metatype/jstgt.target.xml");
    private static final Metatype PORTAL = Metatype.resource("/OSGI-INF/metatype/jstgt.portal.xml");
    private static final Metatype DISCOVERY = Metatype.resource("/OSGI-INF/metatype/jstgt.discovery.xml");
    private static final Metatype ISCSI = Metatype.resource("/OSGI-INF/metatype/jstgt.iscsi.xml");

    /** Records the keys a parser asks for. */
    static final class Recording<V> extends HashMap<String, V> {
        final Set<String> read = new TreeSet<>();

        Recording(Map<String, V> m) {
            super(m);
        }

        @Override
        public V get(Object key) {
            read.add((String) key);
            return super.get(key);
        }

        @Override
        public V getOrDefault(Object key, V dflt) {
            read.add((String) key);
            return super.getOrDefault(key, dflt);
        }

        @Override
        public boolean containsKey(Object key) {
            read.add((String) key);
            return super.containsKey(key);
        }
    }

    private static Object hidden(String className, String field) throws ReflectiveOperationException {
        Field f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        return f.get(null);
    }

    /** TargetSettings.from(properties, origin): what a login makes of a target's keys. */
    private static Object targetSettings(Map<String, String> properties) throws ReflectiveOperationException {
        Method from = Class.forName("org.jstgt.iscsi.login.TargetSettings").getDeclaredMethod("from", Map.class,
                String.class);
        from.setAccessible(true);
        return from.invoke(null, properties, "etc/jstgt.target-test.cfg");
    }

    /**
     * A value's state, field by field for jstgt's own types (which mostly have no equals), so that
     * two parses can be compared.
     */
    static String state(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, String> sorted = new TreeMap<>();
            m.forEach((k, v) -> sorted.put(String.valueOf(k), state(v)));
            return sorted.toString();
        }
        if (o instanceof Collection<?> c) {
            List<String> l = new ArrayList<>();
            c.forEach(e -> l.add(state(e)));
            return l.toString();
        }
        Class<?> type = o.getClass();
        if (!type.getName().startsWith("org.jstgt.") || type.isEnum()) {
            return o.toString();
        }
        StringBuilder sb = new StringBuilder(type.getSimpleName()).append('{');
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    sb.append(f.getName()).append('=').append(state(f.get(o))).append(' ');
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return sb.append('}').toString();
    }

    /** @return the target keys the fabric reads: those TargetSettings asks for, and the revocation grace */
    private static Set<String> fabricTargetKeys() throws Exception {
        Recording<String> r = new Recording<>(Map.of());
        targetSettings(r);
        Set<String> keys = new TreeSet<>(r.read);
        keys.add((String) hidden("org.jstgt.iscsi.session.AccessWatch", "GRACE_KEY"));
        return keys;
    }

    @Test
    void factoryPidsAreAlsoDesignatedForConfigMeta() {
        assertEquals(List.of(Pids.TARGET), TARGET.factoryPids());
        assertEquals(List.of(Pids.TARGET), TARGET.pids(), "Karaf's config:meta looks up singleton designates only");
        assertEquals(List.of(Pids.PORTAL), PORTAL.factoryPids());
        assertEquals(List.of(Pids.PORTAL), PORTAL.pids());
        assertEquals(List.of(Pids.DISCOVERY), DISCOVERY.pids());
        assertEquals(List.of(), DISCOVERY.factoryPids());
        assertEquals(List.of(IscsiSettings.PID), ISCSI.pids());
    }

    @Test
    void everyTargetKeyTheFabricReadsHasAMetatypeAttribute() throws Exception {
        Set<String> keys = fabricTargetKeys();
        assertTrue(keys.size() > 20, "the recording saw the parser: " + keys);
        Set<String> missing = new TreeSet<>(keys);
        missing.removeAll(TARGET.keys());
        assertEquals(Set.of(), missing);
    }

    @Test
    void everyTargetMetatypeKeyIsReadByTheFabricTheCoreOrTheChapBundle() throws Exception {
        Set<String> fabric = fabricTargetKeys();
        List<String> ignored = new ArrayList<>();
        for (String key : TARGET.keys()) {
            String literal = key.equals("lun.0") ? "lun." : key;
            if (!fabric.contains(key) && Metatype.bundlesMentioning(literal, List.of("scsi", "auth-chap")).isEmpty()) {
                ignored.add(key);
            }
        }
        assertEquals(List.of(), ignored, "documented target keys no code reads");
    }

    @Test
    void aTargetKeySetToItsMetatypeDefaultChangesNothingAndLogsNothing() throws Exception {
        String plain = state(targetSettings(Map.of()));
        Set<String> fabric = fabricTargetKeys();
        int checked = 0;
        for (String key : fabric) {
            Metatype.Attribute a = TARGET.attribute(key);
            if (a.defaultValue() == null || key.equals("revoke.logout.seconds")) {
                continue;
            }
            // redirect.type means something only beside a redirect (alone it is reported as ignored)
            Map<String, String> base = key.equals("redirect.type") ? Map.of("redirect", "192.0.2.20") : Map.of();
            Map<String, String> with = new HashMap<>(base);
            with.put(key, a.defaultValue());
            try (LogCapture log = new LogCapture()) {
                assertEquals(base.isEmpty() ? plain : state(targetSettings(base)), state(targetSettings(with)),
                        key + " = " + a.defaultValue() + " is not the default");
                assertEquals(List.of(), log.lines(), key + " = " + a.defaultValue());
            }
            checked++;
        }
        assertTrue(checked >= 25, "defaults checked: " + checked);
        assertEquals(String.valueOf(hidden("org.jstgt.iscsi.session.AccessWatch", "DEFAULT_GRACE_SECONDS")),
                TARGET.attribute("revoke.logout.seconds").defaultValue());
    }

    @Test
    void theTargetSamplesDocumentExactlyTheMetatypeKeys() {
        assertEquals(List.of(), TARGET.keysNotInBoth(Pids.TARGET));
        assertEquals(List.of(), TARGET.commentedValuesNotDefaults(Pids.TARGET));
    }

    @Test
    void portalKeysAndDefaultsAreTheLimitsAndAccessOfTheCode() throws Exception {
        Recording<Object> r = new Recording<>(Map.of());
        PortalLimits.from(r, "etc/jstgt.portal-test.cfg", s -> { });
        PortalAccess.from(r, "etc/jstgt.portal-test.cfg", s -> { });
        Set<String> keys = new TreeSet<>(r.read);
        keys.add("listen"); // read by PortalComponent itself, with tag
        keys.add("tag");
        assertEquals(keys, PORTAL.keys());
        int settings = 0;
        for (Field f : PortalLimits.class.getDeclaredFields()) {
            if (f.getType() == Setting.class) {
                f.setAccessible(true);
                Setting s = (Setting) f.get(null);
                Metatype.Attribute a = PORTAL.attribute(s.key());
                assertEquals(String.valueOf(s.defaultValue()), a.defaultValue(), s.key());
                assertEquals(String.valueOf(s.min()), a.min(), s.key());
                assertEquals(String.valueOf(s.max()), a.max(), s.key());
                settings++;
            }
        }
        assertEquals(7, settings);
        assertEquals(String.valueOf(PortalComponent.parseTag(null, "test")), PORTAL.attribute("tag").defaultValue());
        Map<String, Object> access = new HashMap<>();
        PORTAL.attributes().values().stream().filter(a -> a.id().startsWith("alua."))
                .forEach(a -> access.put(a.id(), a.defaultValue()));
        assertEquals(PortalAccess.DEFAULT, PortalAccess.from(access, "test", s -> { }));
        assertTrue(PORTAL.attribute("listen").required(), "no default: listen is required");
        for (String state : PORTAL.attribute("alua.state").options()) {
            assertEquals(null, PortalAccess.from(Map.of("alua.state", state), "test", s -> { }).problem(), state);
        }
        assertEquals(List.of(), PORTAL.keysNotInBoth(Pids.PORTAL));
        assertEquals(List.of(), PORTAL.commentedValuesNotDefaults(Pids.PORTAL));
    }

    @Test
    void discoveryKeysAreTheTargetsAuthenticationKeys() {
        assertEquals(AuthPolicy.NONE, DiscoveryPolicy.from(Map.of(AuthPolicy.KEY,
                DISCOVERY.attribute(AuthPolicy.KEY).defaultValue())).auth());
        for (String key : DISCOVERY.keys()) {
            assertEquals(TARGET.attribute(key), DISCOVERY.attribute(key), key + " means the same for discovery");
        }
        assertEquals(List.of(), DISCOVERY.keysNotInBoth(Pids.DISCOVERY));
        assertEquals(List.of(), DISCOVERY.commentedValuesNotDefaults(Pids.DISCOVERY));
    }

    @Test
    void fabricSettingsDefaultsAreTheCodes() throws Exception {
        assertEquals(IscsiSettings.DEFAULT_TRANSPORT, ISCSI.attribute(IscsiSettings.TRANSPORT).defaultValue());
        assertEquals(String.valueOf(LogBudget.DEFAULT_LIMIT), ISCSI.attribute(IscsiSettings.PEER_LOG_LIMIT).defaultValue());
        assertEquals(String.valueOf(LogBudget.MAX_LIMIT), ISCSI.attribute(IscsiSettings.PEER_LOG_LIMIT).max());
        assertEquals(List.of("auto", "io_uring", "epoll", "nio"), ISCSI.attribute(IscsiSettings.TRANSPORT).options());
        assertEquals(String.valueOf(PollWindow.DEFAULT_MICROS), ISCSI.attribute(IscsiSettings.BUSY_POLL_US).defaultValue());
        assertEquals(String.valueOf(PollWindow.MAX_MICROS), ISCSI.attribute(IscsiSettings.BUSY_POLL_US).max());
        assertEquals(List.of(), ISCSI.keysNotInBoth(IscsiSettings.PID));
        assertEquals(List.of(), ISCSI.commentedValuesNotDefaults(IscsiSettings.PID));
    }
}
