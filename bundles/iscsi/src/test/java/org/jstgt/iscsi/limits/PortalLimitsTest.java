package org.jstgt.iscsi.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PortalLimitsTest {
    private static final String FILE = "etc/jstgt.portal-lo.cfg";

    @Test
    void defaultsAreSafeAndDocumented() {
        PortalLimits d = PortalLimits.DEFAULTS;
        assertEquals(new PortalLimits(256, 64, 32, 15, 65536, 15, 30), d);
        assertTrue(d.probing());
    }

    @Test
    void configuredValuesAreTakenAsStringsOrNumbers() {
        List<String> reports = new ArrayList<>();
        PortalLimits l = PortalLimits.from(Map.of("connections.max", "10", "connections.per.address", 2,
                "logins.max", " 3 ", "login.timeout", "5", "text.max", "8192", "nop.interval", "0",
                "nop.timeout", "7"), FILE, reports::add);
        assertEquals(new PortalLimits(10, 2, 3, 5, 8192, 0, 7), l);
        assertFalse(l.probing(), "nop.interval = 0 turns the pings off");
        assertEquals(List.of(), reports);
    }

    @Test
    void badValuesAreReportedWithFileAndKeyAndTheDefaultIsUsed() {
        List<String> reports = new ArrayList<>();
        PortalLimits l = PortalLimits.from(Map.of("connections.max", "0", "connections.per.address", "many",
                "logins.max", "99999999999", "login.timeout", "-1", "text.max", "100", "nop.interval", "3601",
                "nop.timeout", "1.5"), FILE, reports::add);
        assertEquals(PortalLimits.DEFAULTS, l);
        assertEquals(7, reports.size(), reports::toString);
        assertEquals("etc/jstgt.portal-lo.cfg: key connections.max: '0' is not a number in 1..65535; using the "
                + "default 256", reports.get(0));
        for (String key : List.of("connections.per.address", "logins.max", "login.timeout", "text.max",
                "nop.interval", "nop.timeout")) {
            assertTrue(reports.stream().anyMatch(r -> r.startsWith(FILE + ": key " + key + ": ")), key);
        }
    }

    @Test
    void blankValuesMeanTheDefaultSilently() {
        List<String> reports = new ArrayList<>();
        assertEquals(PortalLimits.DEFAULTS, PortalLimits.from(Map.of("connections.max", " "), FILE, reports::add));
        assertEquals(List.of(), reports);
    }
}
