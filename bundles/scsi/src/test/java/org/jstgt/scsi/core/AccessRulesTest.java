package org.jstgt.scsi.core;

import static org.jstgt.scsi.core.Harness.IQN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.jstgt.api.mgmt.TargetInfo;
import org.jstgt.api.target.Nexus;
import org.jstgt.api.target.ScsiTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Target access fails closed: an empty or bad {@code initiators}, or any invalid edit of a running
 * target, admits no new login until the file is good again; open nexuses are told of each change
 * so that the fabric ends the sessions no longer admitted.
 */
class AccessRulesTest {
    private static final String A = "iqn.2026-01.org.test:a";
    private static final String B = "iqn.2026-01.org.test:b";
    private static final String FILE = "/opt/jstgt/etc/jstgt.target-t1.cfg";

    private final Harness h = new Harness(15_000).withProviders();
    private final InetAddress lan = address("192.168.1.10");

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private ScsiTarget target() {
        return h.manager.target(IQN).orElseThrow();
    }

    private TargetInfo info() {
        return h.manager.targetInfos().get(0);
    }

    @Test
    void absentKeyAdmitsEveryInitiator() {
        h.target("t1");
        assertTrue(target().available());
        assertTrue(target().allows(A, lan));
        assertEquals("ACTIVE", info().state());
    }

    @Test
    void aNewTargetWithAnEmptyInitiatorsValueAdmitsNoOne() {
        h.target("t1", "initiators", "");
        assertTrue(h.manager.target(IQN).isEmpty(), "not offered at all");
        assertTrue(info().state().startsWith("FAILED(" + FILE + ": initiators: empty"), info().state());
        assertEquals(List.of(Listings.NONE), info().initiators(), "the listing shows who is admitted: nobody");
    }

    @Test
    void emptyingTheInitiatorsOfARunningTargetRefusesEveryone() {
        h.target("t1", "initiators", A + ", " + B);
        AtomicInteger told = new AtomicInteger();
        Nexus n = target().openNexus(A, A + ",i,0x1", IQN + ",t,0x1", 1);
        n.onAccessChange(told::incrementAndGet);
        h.target("t1", "initiators", "");
        assertFalse(target().available(), "logins refused");
        assertFalse(target().allows(A, lan), "no rule could be read: no session stays");
        assertFalse(target().allows(B, lan));
        assertEquals(1, told.get(), "the fabric was told");
        assertTrue(info().state().startsWith("FAILED(" + FILE + ": initiators: "), info().state());
        assertTrue(info().state().endsWith("logins refused until fixed)"), info().state());
        assertEquals(List.of(Listings.NONE), info().initiators());
        h.target("t1", "initiators", A);
        assertTrue(target().available(), "a good file again");
        assertTrue(target().allows(A, lan));
        assertFalse(target().allows(B, lan));
        assertEquals(2, told.get());
        assertEquals("ACTIVE", info().state());
    }

    @Test
    void aBadEditThatTightensTheAclNeverLeavesTheLooserRuleInForce() {
        h.lun("d0");
        h.target("t1", "lun.0", "d0");
        assertTrue(target().allows(B, lan));
        // the edit drops B but has a typo elsewhere: B must not keep the old ALL
        h.target("t1", "lun.0", "d0", "lun.99999", "d0", "initiators", A);
        assertFalse(target().available(), "no login until the file is fixed");
        assertFalse(target().allows(B, lan), "the looser rule is not in force");
        assertTrue(target().allows(A, lan), "admitted by both the old and the new rule: its session may stay");
        assertTrue(info().state().startsWith("FAILED(" + FILE + ": lun.99999:"), info().state());
        // a bad entry in the ACL itself: nobody
        h.target("t1", "lun.0", "d0", "initiators", A + ", not-a-pattern");
        assertFalse(target().allows(A, lan));
        h.target("t1", "lun.0", "d0", "initiators", A);
        assertTrue(target().available());
    }

    @Test
    void theFirstMatchingEntryDecidesAndNoMatchRefuses() {
        h.target("t1", "initiators", "!" + A + ", iqn.2026-01.org.test:*, !192.168.1.0/24, 10.0.0.0/8");
        assertFalse(target().allows(A, address("10.1.2.3")), "denied by name before its network admits it");
        assertTrue(target().allows(B, lan), "admitted by name before its network is denied");
        assertTrue(target().allows("iqn.2026-01.org.other:c", address("::ffff:10.1.2.3")), "an IPv4-mapped peer");
        assertFalse(target().allows("iqn.2026-01.org.other:c", lan), "denied by address");
        assertFalse(target().allows("iqn.2026-01.org.other:c", address("172.16.0.1")), "no entry matches");
        assertEquals(List.of("!" + A, "iqn.2026-01.org.test:*", "!192.168.1.0/24", "10.0.0.0/8"), info().initiators(),
                "listed in order with the denials");
    }

    /** While a file is invalid, a denial in the last good rule or in the file's rule refuses. */
    @Test
    void whileTheFileIsInvalidADenialInEitherRuleRefuses() {
        h.lun("d0");
        h.target("t1", "lun.0", "d0", "initiators", "!" + A + ", ALL");
        assertFalse(target().allows(A, lan));
        assertTrue(target().allows(B, lan));
        h.target("t1", "lun.0", "d0", "lun.99999", "d0", "initiators", A + ", !" + B + ", ALL");
        assertFalse(target().allows(A, lan), "the last good rule denies A");
        assertFalse(target().allows(B, lan), "the invalid file's rule denies B");
        assertTrue(target().allows("iqn.2026-01.org.test:c", lan), "both admit c");
        h.target("t1", "lun.0", "d0", "initiators", A + ", !" + B + ", ALL");
        assertTrue(target().allows(A, lan), "the fixed file's rule alone");
        assertFalse(target().allows(B, lan));
    }

    @Test
    void aChangedAclOrARemovedTargetIsToldToEveryOpenNexus() {
        h.target("t1", "initiators", "192.168.1.0/24");
        AtomicInteger told = new AtomicInteger();
        Nexus n = target().openNexus(A, A + ",i,0x1", IQN + ",t,0x1", 1);
        n.onAccessChange(told::incrementAndGet);
        ScsiTarget t = target();
        h.target("t1", "initiators", "10.0.0.0/8");
        assertEquals(1, told.get());
        assertFalse(t.allows(A, lan), "the address is checked too");
        assertTrue(t.allows(A, address("10.1.2.3")));
        h.manager.targetDeleted("pid-target-t1");
        assertEquals(2, told.get());
        assertFalse(t.available());
        assertFalse(t.allows(A, address("10.1.2.3")), "a removed target admits no one");
        n.close();
        h.target("t1");
        assertEquals(2, told.get(), "a closed nexus is not told");
    }
}
