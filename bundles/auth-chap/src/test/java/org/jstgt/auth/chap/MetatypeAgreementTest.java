package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.jstgt.api.Pids;
import org.jstgt.testkit.Metatype;
import org.junit.jupiter.api.Test;

/**
 * One truth for defaults (issue 16): the metatype of {@code jstgt.auth} names exactly the keys
 * {@link CredentialSets} reads, secrets as passwords; the target and discovery keys this bundle
 * reads ({@link ChapPolicy}) are in the fabric's documents with the default it applies.
 */
class MetatypeAgreementTest {
    private static final Metatype AUTH = Metatype.resource("/OSGI-INF/metatype/jstgt.auth.xml");

    private static Metatype fabric(String pid) {
        return Metatype.file(Metatype.repositoryRoot()
                .resolve("bundles/iscsi/src/main/resources/OSGI-INF/metatype/" + pid + ".xml"));
    }

    private static Set<String> keyConstants(Class<?> c) throws IllegalAccessException {
        Set<String> keys = new TreeSet<>();
        for (Field f : c.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                keys.add((String) f.get(null));
            }
        }
        return keys;
    }

    @Test
    void credentialSetKeysAreTheMetatypeWithSecretsAsPasswords() throws Exception {
        assertEquals(List.of(Pids.AUTH), AUTH.factoryPids());
        assertEquals(List.of(Pids.AUTH), AUTH.pids(), "Karaf's config:meta looks up singleton designates only");
        assertEquals(keyConstants(CredentialSets.class), AUTH.keys());
        assertEquals("Password", AUTH.attribute(CredentialSets.SECRET).type());
        assertEquals("Password", AUTH.attribute(CredentialSets.MUTUAL_SECRET).type());
        assertEquals("String", AUTH.attribute(CredentialSets.USER).type());
        assertTrue(AUTH.attribute(CredentialSets.USER).required());
        assertTrue(AUTH.attribute(CredentialSets.SECRET).required());
        assertFalse(AUTH.attribute(CredentialSets.MUTUAL_SECRET).required(), "one-way CHAP needs no mutual secret");
        for (Metatype.Attribute a : AUTH.attributes().values()) {
            assertEquals(null, a.defaultValue(), a.id() + ": a credential has no default");
        }
        assertEquals(List.of(), AUTH.keysNotInBoth(Pids.AUTH));
    }

    @Test
    void theTargetAndDiscoveryKeysThisBundleReadsHaveItsDefaults() throws Exception {
        Method algorithms = ChapPolicy.class.getDeclaredMethod("algorithms", String.class, String.class);
        algorithms.setAccessible(true);
        Object plain = algorithms.invoke(null, "test", null);
        for (String pid : List.of(Pids.TARGET, Pids.DISCOVERY)) {
            Metatype m = fabric(pid);
            assertTrue(m.keys().containsAll(keyConstants(ChapPolicy.class)), pid + ": " + m.keys());
            String dflt = m.attribute(ChapPolicy.ALGORITHMS).defaultValue();
            assertEquals(plain, algorithms.invoke(null, "test", dflt), pid + ": chap.algorithms = " + dflt);
            assertEquals(null, m.attribute(ChapPolicy.GROUPS).defaultValue());
        }
    }
}
