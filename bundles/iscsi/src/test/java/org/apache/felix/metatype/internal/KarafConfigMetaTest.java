package org.apache.felix.metatype.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.metatype.MetaDataReader;
import org.jstgt.testkit.Metatype;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * What {@code config:meta <pid>} shows in Karaf (4.4: Felix MetaType 1.2.4), for the jstgt PIDs
 * whose documents are written by hand or in this module (jstgt.scsi's is bnd's plain singleton one):
 * Felix's own reader and MetaTypeInformation read the bundles' metatype documents, and the lookup
 * is Karaf's ({@code MetaCommand}: the OCD of a PID listed by {@link MetaTypeInformation#getPids()},
 * which lists singleton designates only). In this package for Felix's package-private entry points.
 */
class KarafConfigMetaTest {
    private static final Path ROOT = Metatype.repositoryRoot().resolve("bundles");

    /** A bundle with no headers and no localization files, enough for Felix's MetaTypeInformation. */
    private static Bundle bundle() {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeaders" -> new Hashtable<String, String>();
                    case "getSymbolicName" -> "jstgt-test";
                    case "getBundleId", "getLastModified" -> 1L;
                    case "getState" -> Bundle.ACTIVE;
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    case "toString" -> "jstgt-test";
                    default -> method.getReturnType() == boolean.class ? Boolean.FALSE
                            : method.getReturnType() == int.class ? 0 : null;
                });
    }

    private static MetaTypeInformation read(String... documents) throws IOException {
        MetaTypeInformationImpl info = new MetaTypeInformationImpl(bundle());
        for (String d : documents) {
            URL url = ROOT.resolve(d).toUri().toURL();
            info.addMetaData(new MetaDataReader().parse(url));
        }
        return info;
    }

    /** Karaf's MetaCommand#getMetatype, for one bundle. */
    private static ObjectClassDefinition configMeta(MetaTypeInformation info, String pid) {
        for (String p : info.getPids()) {
            if (p.equals(pid)) {
                return info.getObjectClassDefinition(p, null);
            }
        }
        return null;
    }

    private static Map<String, AttributeDefinition> attributes(ObjectClassDefinition ocd) {
        Map<String, AttributeDefinition> m = new LinkedHashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            m.put(ad.getID(), ad);
            assertFalse(ad.getDescription() == null || ad.getDescription().isBlank(), ad.getID() + " has a description");
        }
        return m;
    }

    @Test
    void configMetaFindsEveryFactoryPidWithTypedKeysAndDefaults() throws IOException {
        MetaTypeInformation info = read("scsi/src/main/resources/OSGI-INF/metatype/jstgt.lun.xml",
                "iscsi/src/main/resources/OSGI-INF/metatype/jstgt.target.xml",
                "iscsi/src/main/resources/OSGI-INF/metatype/jstgt.portal.xml",
                "auth-chap/src/main/resources/OSGI-INF/metatype/jstgt.auth.xml");
        for (String pid : List.of("jstgt.lun", "jstgt.target", "jstgt.portal", "jstgt.auth")) {
            assertTrue(List.of(info.getFactoryPids()).contains(pid), pid + " is a factory for consoles");
            assertNotNull(configMeta(info, pid), "config:meta " + pid);
        }
        Map<String, AttributeDefinition> lun = attributes(configMeta(info, "jstgt.lun"));
        assertEquals(AttributeDefinition.INTEGER, lun.get("block.size").getType());
        assertArrayEquals(new String[] {"512"}, lun.get("block.size").getDefaultValue());
        assertArrayEquals(new String[] {"512", "1024", "2048", "4096"}, lun.get("block.size").getOptionValues());
        assertEquals(AttributeDefinition.BOOLEAN, lun.get("read.only").getType());
        assertArrayEquals(new String[] {"false"}, lun.get("read.only").getDefaultValue());
        assertNull(lun.get("device.type").getDefaultValue(), "required, no default");
        assertEquals("", lun.get("device.type").validate("disk"), "valid (a string key takes any value)");
        assertEquals("", lun.get("queue.depth").validate("128"), "in range");
        assertFalse(lun.get("queue.depth").validate("5000").isEmpty(), "out of range: " + lun.get("queue.depth")
                .validate("5000"));

        Map<String, AttributeDefinition> auth = attributes(configMeta(info, "jstgt.auth"));
        assertEquals(AttributeDefinition.PASSWORD, auth.get("chap.secret").getType());
        assertEquals(AttributeDefinition.PASSWORD, auth.get("mutual.secret").getType());

        Map<String, AttributeDefinition> target = attributes(configMeta(info, "jstgt.target"));
        // a comma in a single value's default is escaped in the document, else it would be a list
        assertArrayEquals(new String[] {"None,CRC32C"}, target.get("header.digest").getDefaultValue());
        assertArrayEquals(new String[] {"SHA3-256,SHA-256,SHA-1,MD5"}, target.get("chap.algorithms").getDefaultValue());
        assertArrayEquals(new String[] {"262144"}, target.get("max.recv.data.segment.length").getDefaultValue());
        assertArrayEquals(new String[] {"1"}, attributes(configMeta(info, "jstgt.portal")).get("tag").getDefaultValue());
    }

    @Test
    void configMetaFindsTheSingletonPids() throws IOException {
        // jstgt.iscsi's document is generated by bnd from IscsiSettings.Config (this module's classes)
        MetaTypeInformation info = read("iscsi/src/main/resources/OSGI-INF/metatype/jstgt.discovery.xml",
                "iscsi/target/classes/OSGI-INF/metatype/jstgt.iscsi.xml");
        assertEquals(List.of(), List.of(info.getFactoryPids() == null ? new String[0] : info.getFactoryPids()));
        assertArrayEquals(new String[] {"none"}, attributes(configMeta(info, "jstgt.discovery")).get("auth")
                .getDefaultValue());
        Map<String, AttributeDefinition> fabric = attributes(configMeta(info, "jstgt.iscsi"));
        assertArrayEquals(new String[] {"auto"}, fabric.get("transport").getDefaultValue());
        assertEquals(AttributeDefinition.INTEGER, fabric.get("peer.log.limit").getType());
    }
}
