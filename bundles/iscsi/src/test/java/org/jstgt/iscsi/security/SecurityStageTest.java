package org.jstgt.iscsi.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jstgt.api.auth.AuthContext;
import org.jstgt.api.auth.AuthExchange;
import org.jstgt.api.auth.Authenticator;
import org.junit.jupiter.api.Test;

/** The security stage in plain Java: which service serves a method, and a failing service. */
class SecurityStageTest {
    private static final AuthContext WHO = new AuthContext("None", "chap", "iqn.2026-11.org.example:h",
            InetAddress.getLoopbackAddress(), false, "iqn.2026-11.org.jstgt:t", Map.of("auth", "chap"), "t.cfg");

    private static Authenticator method(AuthExchange exchange) {
        return new Authenticator() {
            @Override
            public Set<String> keys() {
                return Set.of("X_R");
            }

            @Override
            public AuthExchange start(AuthContext context) {
                return exchange;
            }
        };
    }

    @Test
    void theFirstServiceOfAMethodServesUntilItLeaves() {
        Authenticators all = new Authenticators();
        Authenticator first = method((keys, transit) -> null);
        Authenticator second = method((keys, transit) -> null);
        all.add(first, Map.of(Authenticator.METHOD, "CHAP"));
        all.add(second, Map.of(Authenticator.METHOD, "CHAP"));
        all.add(method((keys, transit) -> null), Map.of());
        assertSame(first, all.find("CHAP"));
        all.remove(first);
        assertSame(second, all.find("CHAP"));
        all.remove(second);
        assertNull(all.find("CHAP"));
    }

    @Test
    void aPolicyThatIsNotValidOrAServiceThatFailsIsATargetError() {
        Authenticators all = new Authenticators();
        SecurityStage bad = new SecurityStage(all);
        assertEquals(SecurityStage.Failure.TARGET_ERROR,
                bad.require(new AuthPolicy("weird"), "t.cfg", () -> fail("no context needed")).failure());

        SecurityStage none = new SecurityStage(all);
        assertNull(none.require(AuthPolicy.NONE, "t.cfg", () -> fail("no context for None")));
        assertEquals(SecurityStage.Transit.GO, none.transit());

        all.add(method((keys, transit) -> {
            throw new IllegalStateException("boom");
        }), Map.of(Authenticator.METHOD, "CHAP"));
        SecurityStage broken = new SecurityStage(all);
        assertNull(broken.require(new AuthPolicy("chap"), "t.cfg", () -> WHO));
        assertEquals(SecurityStage.Transit.REFUSE, broken.transit(), "a method is required and none started");
        assertEquals(SecurityStage.Failure.AUTHENTICATION, broken.agreed("None", "None").failure());
        assertNull(broken.agreed("CHAP", "CHAP,None"));
        assertEquals(SecurityStage.Transit.STAY, broken.transit());
        List<Map.Entry<String, String>> answer = new ArrayList<>();
        assertEquals(SecurityStage.Failure.TARGET_ERROR, broken.step(List.of(Map.entry("X_R", "1")), true, answer)
                .failure());
        assertEquals(List.of(), answer);
    }

    @Test
    void aMethodThatReportsAMisconfigurationRefusesAsATargetErrorWithoutAnswerKeys() {
        Authenticators all = new Authenticators();
        all.add(method((keys, transit) -> org.jstgt.api.auth.AuthStep.targetError("t.cfg: key auth.groups missing")),
                Map.of(Authenticator.METHOD, "CHAP"));
        SecurityStage stage = new SecurityStage(all);
        assertNull(stage.require(new AuthPolicy("chap"), "t.cfg", () -> WHO));
        assertNull(stage.agreed("CHAP", "CHAP,None"));
        List<Map.Entry<String, String>> answer = new ArrayList<>();
        SecurityStage.Refusal no = stage.step(List.of(), false, answer);
        assertEquals(SecurityStage.Failure.TARGET_ERROR, no.failure());
        assertEquals(0, no.delayMillis());
        assertEquals(true, no.why().contains("auth.groups"), no.why());
        assertEquals(List.of(), answer);
    }
}
