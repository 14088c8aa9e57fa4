package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.jstgt.api.mgmt.ManagementView;
import org.jstgt.api.mgmt.ReservationInfo;
import org.junit.jupiter.api.Test;

/** {@code iscsi:pr-list} and {@code iscsi:pr-clear} over the views the SCSI core registers. */
class ReservationCommandsTest {
    private final List<String> cleared = new ArrayList<>();

    private final ManagementView core = new ManagementView() {
        @Override
        public Optional<ReservationInfo> reservations(String lun) {
            if (!lun.equals("disk0")) {
                return Optional.empty();
            }
            return Optional.of(new ReservationInfo("disk0", 7, true, "WE-RO", List.of(
                    new ReservationInfo.Registration(0xAA, "iqn.2026-01.org.test:a,i,0x000000000001",
                            "iqn.2026-11.org.jstgt:demo,t,0x0001", true),
                    new ReservationInfo.Registration(0xBB, "iqn.2026-01.org.test:b", "", false)), ""));
        }

        @Override
        public boolean clearReservations(String lun) {
            cleared.add(lun);
            return lun.equals("disk0");
        }
    };

    /** The fabric's view knows no LUN. */
    private final ManagementView fabric = new ManagementView() {
    };

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().map(String::stripTrailing).toList();
    }

    @Test
    void listShowsTheReservationAndEachRegistration() {
        ReservationListCommand.show(out, "disk0", Views.merge(List.of(fabric, core),
                v -> v.reservations("disk0").map(List::of).orElse(List.of())), false);
        List<String> l = lines();
        assertEquals("LUN disk0: persistent reservation WE-RO held by key 0x00000000000000aa, PRgeneration 7, APTPL on",
                l.get(0));
        assertEquals(List.of("0x00000000000000aa", "iqn.2026-01.org.test:a,i,0x000000000001",
                "iqn.2026-11.org.jstgt:demo,t,0x0001", "yes"), cells(l.get(1)));
        assertEquals(List.of("0x00000000000000bb", "iqn.2026-01.org.test:b", "all", "-"), cells(l.get(2)));
    }

    private static List<String> cells(String line) {
        return List.of(line.split("\t")).stream().map(String::strip).toList();
    }

    @Test
    void listOfAnUnknownLunSaysSo() {
        ReservationListCommand.show(out, "nope", Views.merge(List.of(fabric, core),
                v -> v.reservations("nope").map(List::of).orElse(List.of())), true);
        assertEquals(List.of("no LUN named 'nope' (etc/jstgt.lun-<name>.cfg)"), lines());
    }

    @Test
    void clearAsksEveryViewAndReportsTheOneThatKnewTheLun() {
        ReservationClearCommand.report(out, "disk0", Views.merge(List.of(fabric, core),
                v -> v.clearReservations("disk0") ? List.of("disk0") : List.<String>of()));
        assertEquals(List.of("disk0"), cleared);
        assertTrue(lines().get(0).startsWith("LUN disk0: registrations and reservations cleared"), lines().get(0));
    }

    @Test
    void bothCommandsTakeALunWithCompletion() throws Exception {
        for (Class<?> c : List.of(ReservationListCommand.class, ReservationClearCommand.class)) {
            assertNotNull(c.getAnnotation(Service.class));
            assertEquals("iscsi", c.getAnnotation(Command.class).scope());
            var lun = c.getSuperclass().getDeclaredField("lun");
            assertTrue(lun.getAnnotation(Argument.class).required());
            assertEquals(LunCompleter.class, lun.getAnnotation(Completion.class).value());
        }
        assertEquals("pr-clear", ReservationClearCommand.class.getAnnotation(Command.class).name());
    }
}
