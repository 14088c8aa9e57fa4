package org.jstgt.scsi.config;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import org.jstgt.api.ConfigException;
import org.jstgt.scsi.sense.SenseFormat;
import org.jstgt.testkit.ConfigProps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LunConfigTest {

    private static Map<String, Object> props(String... kv) {
        return ConfigProps.override(ConfigProps.fromFile("jstgt.lun-disk0.cfg", "device.type", "disk", "store.type", "file"),
                kv);
    }

    @Test
    void defaults() throws Exception {
        LunConfig c = LunConfig.parse(props("store.path", "/data/d0.img", "size", "1GiB", "disk.rpm", "7200"));
        assertEquals("disk0", c.name());
        assertEquals("/opt/jstgt/etc/jstgt.lun-disk0.cfg", c.origin());
        assertEquals(1L << 30, c.size());
        assertEquals(512, c.blockSize());
        assertFalse(c.readOnly());
        assertFalse(c.offline());
        assertEquals("JSTGT", c.vendor());
        assertEquals("VIRTUAL-DISK", c.product());
        assertEquals("0001", c.revision());
        assertEquals("disk0", c.serial());
        assertEquals(SenseFormat.FIXED, c.senseFormat());
        assertEquals("7200", c.lunSpec().property("disk.rpm", null));
        assertEquals("/data/d0.img", c.storeSpec().path());
        assertEquals(1L << 30, c.storeSpec().size());
    }

    @Test
    void naaIsLocallyAssignedAndStable() throws Exception {
        LunConfig a = LunConfig.parse(props());
        LunConfig b = LunConfig.parse(props());
        assertEquals(a.naaId(), b.naaId());
        assertEquals(3, a.naaId() >>> 60);
        LunConfig other = LunConfig.parse(props("serial", "ABC123"));
        assertNotEquals(a.naaId(), other.naaId());
        // another LUN by name only: its own serial and NAA (VPD 80h and 83h tell LUNs apart)
        LunConfig disk1 = LunConfig.parse(ConfigProps.fromFile("jstgt.lun-disk1.cfg", "device.type", "disk",
                "store.type", "file"));
        assertEquals("disk1", disk1.serial());
        assertNotEquals(a.serial(), disk1.serial());
        assertNotEquals(a.naaId(), disk1.naaId());
    }

    @Test
    void sizeIsOptionalAndMustBeAMultipleOfTheBlockSize() throws Exception {
        assertEquals(0, LunConfig.parse(props()).size());
        assertEquals(4096 * 3, LunConfig.parse(props("size", "12KiB", "block.size", "4096")).size());
        assertKey("size", props("size", "1000"));
        assertKey("size", props("size", "2KiB", "block.size", "4096"));
        assertKey("size", props("size", "lots"));
    }

    @ParameterizedTest
    @CsvSource({
        "device.type, ",
        "store.type, Flat File",
        "device.type, Disk Drive",
        "block.size, 520",
        "block.size, abc",
        "read.only, maybe",
        "serial, 0123456789012345678901234567890123",
        "serial, has space",
        "vendor, TOOLONGVENDOR",
        "product, PRODUCT-NAME-TOO-LONG",
        "revision, 12345",
        "sense.format, compact",
        "offline, maybe",
    })
    void badValuesNameTheirKey(String key, String value) {
        assertKey(key, props(key, value == null ? null : value));
    }

    /** A DVD or tape opens its media itself and a changer needs none: store.type may be absent. */
    @Test
    void storeTypeIsOptional() throws Exception {
        LunConfig withStore = LunConfig.parse(props());
        assertTrue(withStore.hasStore());
        assertEquals("file", withStore.lunSpec().storeType());
        LunConfig none = LunConfig.parse(props("store.type", null));
        assertFalse(none.hasStore());
        assertEquals("", none.lunSpec().storeType());
    }

    @Test
    void nonAsciiIdentificationIsRefused() {
        assertKey("vendor", props("vendor", "VÉNDOR"));
    }

    @Test
    void typedValuesFromConfigAdmin() throws Exception {
        Map<String, Object> p = props("size", null);
        p.put("read.only", Boolean.TRUE);
        p.put("block.size", 4096);
        LunConfig c = LunConfig.parse(p);
        assertTrue(c.readOnly());
        assertEquals(4096, c.blockSize());
        p.put("offline", Boolean.TRUE);
        assertTrue(LunConfig.parse(p).offline());
        assertFalse(LunConfig.parse(props("offline", "false")).offline());
    }

    @Test
    void longNamesGetAHashedSerialAndProductFollowsType() throws Exception {
        Map<String, Object> p = props("device.type", "tape");
        p.put("felix.fileinstall.filename", "file:/etc/jstgt.lun-a-very-long-lun-name-that-exceeds-thirty-two.cfg");
        LunConfig c = LunConfig.parse(p);
        assertEquals(32, c.serial().length());
        assertTrue(c.serial().matches("[0-9a-f]{32}"));
        assertEquals("VIRTUAL-TAPE", c.product());
    }

    private static void assertKey(String key, Map<String, Object> p) {
        ConfigException e = assertThrows(ConfigException.class, () -> LunConfig.parse(p));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
    }
}
