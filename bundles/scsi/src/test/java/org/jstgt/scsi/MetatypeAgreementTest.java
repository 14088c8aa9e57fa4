package org.jstgt.scsi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jstgt.api.Pids;
import org.jstgt.api.Sizes;
import org.jstgt.scsi.alua.AluaMode;
import org.jstgt.scsi.config.LunConfig;
import org.jstgt.scsi.config.TargetConfig;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.scsi.spc.NaaDesignators;
import org.jstgt.scsi.taskset.TaskSet;
import org.jstgt.testkit.Metatype;
import org.junit.jupiter.api.Test;

/**
 * One truth for defaults (issue 16): the metatype of {@code jstgt.lun} (this bundle's), of the
 * target keys the core reads ({@code jstgt.target}, the fabric's document) and of {@code jstgt.scsi}
 * agree with what the parsing code applies, and with the sample files in {@code etc/}.
 */
class MetatypeAgreementTest {
    private static final Metatype LUN = Metatype.resource("/OSGI-INF/metatype/jstgt.lun.xml");
    private static final Metatype TARGET = Metatype.file(Metatype.repositoryRoot()
            .resolve("bundles/iscsi/src/main/resources/OSGI-INF/metatype/jstgt.target.xml"));
    private static final Metatype CORE = Metatype.resource("/OSGI-INF/metatype/org.jstgt.scsi.ScsiCoreComponent$Config.xml");
    /** What every LUN needs besides the key under test. */
    private static final Map<String, Object> BASE = Map.of(LunConfig.DEVICE_TYPE, "disk", LunConfig.STORE_TYPE, "file",
            Pids.FILEINSTALL_FILENAME, "file:/opt/jstgt/etc/jstgt.lun-disk0.cfg");

    /** @return the public String constants of a class that are configuration keys ("lun." is a prefix, not one) */
    static Set<String> keyConstants(Class<?> c) {
        Set<String> keys = new TreeSet<>();
        for (Field f : c.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String v = (String) f.get(null);
                    if (v.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*")) {
                        keys.add(v);
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return keys;
    }

    private static Object hidden(String className, String field) throws ReflectiveOperationException {
        Field f = Class.forName(className).getDeclaredField(field);
        f.setAccessible(true);
        return f.get(null);
    }

    /** @return the keys of jstgt.lun the core itself reads */
    private static Set<String> coreLunKeys() throws ReflectiveOperationException {
        Set<String> keys = keyConstants(LunConfig.class);
        keys.add(SenseFormat.KEY);
        keys.add(NaaDesignators.KEY);
        keys.add((String) hidden("org.jstgt.scsi.core.LunRuntime", "MAX_TRANSFER"));
        return keys;
    }

    /** @return the device and store bundles, which read the rest of jstgt.lun's keys */
    private static List<String> deviceAndStoreBundles() throws IOException {
        try (Stream<Path> s = Files.list(Metatype.repositoryRoot().resolve("bundles"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("device-") || n.startsWith("store-"))
                    .sorted().toList();
        }
    }

    private static Map<String, Object> components(LunConfig c) throws ReflectiveOperationException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RecordComponent rc : LunConfig.class.getRecordComponents()) {
            if (!rc.getName().equals("properties")) {
                m.put(rc.getName(), rc.getAccessor().invoke(c));
            }
        }
        return m;
    }

    @Test
    void lunIsAFactoryPidThatConfigMetaFindsToo() {
        assertEquals(List.of(Pids.LUN), LUN.factoryPids());
        assertEquals(List.of(Pids.LUN), LUN.pids(), "Karaf's config:meta looks up singleton designates only");
        assertEquals(List.of(ScsiCoreComponent.PID), CORE.pids());
    }

    @Test
    void everyLunKeyTheCoreReadsHasAMetatypeAttribute() throws Exception {
        Set<String> missing = new TreeSet<>(coreLunKeys());
        missing.removeAll(LUN.keys());
        assertEquals(Set.of(), missing, "keys LunConfig and the LUN runtime read without metatype");
    }

    @Test
    void everyLunMetatypeKeyIsReadByTheCoreOrADeviceOrStoreBundle() throws Exception {
        Set<String> core = coreLunKeys();
        List<String> bundles = deviceAndStoreBundles();
        List<String> ignored = new ArrayList<>();
        for (String key : LUN.keys()) {
            if (!core.contains(key) && Metatype.bundlesMentioning(key, bundles).isEmpty()) {
                ignored.add(key);
            }
        }
        assertEquals(List.of(), ignored, "documented keys no code reads");
    }

    @Test
    void aLunKeySetToItsMetatypeDefaultChangesNothing() throws Exception {
        Map<String, Object> plain = components(LunConfig.parse(BASE));
        int checked = 0;
        for (String key : coreLunKeys()) {
            Metatype.Attribute a = LUN.attribute(key);
            if (a.defaultValue() == null || key.equals(LunConfig.DEVICE_TYPE) || key.equals("max.transfer")) {
                continue;
            }
            Map<String, Object> p = new HashMap<>(BASE);
            p.put(key, a.defaultValue());
            assertEquals(plain, components(LunConfig.parse(p)), key + " = " + a.defaultValue() + " is not the default");
            checked++;
        }
        assertTrue(checked >= 5, "defaults checked: " + checked);
        // max.transfer is read by the runtime (and the disk device): its default there
        assertEquals((long) (int) hidden("org.jstgt.scsi.core.LunRuntime", "DEFAULT_MAX_TRANSFER"),
                Sizes.parse("max.transfer", LUN.attribute("max.transfer").defaultValue()));
        Metatype.Attribute depth = LUN.attribute(LunConfig.QUEUE_DEPTH);
        assertEquals(String.valueOf(TaskSet.DEFAULT_DEPTH), depth.defaultValue());
        assertEquals("1", depth.min());
        assertEquals(String.valueOf(TaskSet.MAX_DEPTH), depth.max());
    }

    @Test
    void everyLunOptionIsAcceptedAndTheMetatypeNamesEveryChoice() throws Exception {
        for (String key : List.of(LunConfig.BLOCK_SIZE, SenseFormat.KEY)) {
            List<String> options = LUN.attribute(key).options();
            assertTrue(options.size() >= 2, key);
            for (String o : options) {
                Map<String, Object> p = new HashMap<>(BASE);
                p.put(key, o);
                LunConfig.parse(p); // throws ConfigException for a value the parser refuses
            }
        }
        assertEquals(List.of("512", "1024", "2048", "4096"), LUN.attribute(LunConfig.BLOCK_SIZE).options());
        assertEquals(List.of("fixed", "descriptor"), LUN.attribute(SenseFormat.KEY).options());
    }

    @Test
    void theLunSamplesDocumentExactlyTheMetatypeKeys() {
        assertEquals(List.of(), LUN.keysNotInBoth(Pids.LUN));
    }

    @Test
    void commentedOutLunSampleValuesAreTheDefaults() {
        assertEquals(List.of(), LUN.commentedValuesNotDefaults(Pids.LUN));
    }

    @Test
    void theTargetKeysTheCoreReadsHaveMetatypeAttributesWithTheCoreDefaults() throws Exception {
        Set<String> core = keyConstants(TargetConfig.class);
        core.add(AluaMode.KEY);
        core.add(TargetConfig.LUN_PREFIX + "0");
        Set<String> missing = new TreeSet<>(core);
        missing.removeAll(TARGET.keys());
        assertEquals(Set.of(), missing);
        Metatype.Attribute alua = TARGET.attribute(AluaMode.KEY);
        assertEquals(AluaMode.DEFAULT, AluaMode.parse(Map.of(AluaMode.KEY, alua.defaultValue())));
        for (String o : alua.options()) {
            AluaMode.parse(Map.of(AluaMode.KEY, o));
        }
        assertEquals(AluaMode.values().length, alua.options().size(), "every mode is an option");
        assertTrue(TARGET.attribute(TargetConfig.IQN).required());
    }

    @Test
    void theCoreSettingsSampleShowsTheDefaultsOfTheAnnotation() throws Exception {
        for (Metatype.Attribute a : CORE.attributes().values()) {
            String method = a.id().replace('.', '_');
            Object dflt = ScsiCoreComponent.Config.class.getMethod(method).getDefaultValue();
            assertEquals(String.valueOf(dflt), a.defaultValue(), a.id());
        }
        assertEquals(List.of(), CORE.keysNotInBoth(ScsiCoreComponent.PID));
        assertEquals(List.of(), CORE.commentedValuesNotDefaults(ScsiCoreComponent.PID));
    }
}
