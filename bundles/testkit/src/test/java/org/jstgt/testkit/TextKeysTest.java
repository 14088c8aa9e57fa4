package org.jstgt.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TextKeysTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void encodesEachPairNulTerminatedInOrder() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("InitiatorName", "iqn.2026-11.org.jstgt:i");
        m.put("AuthMethod", "None");
        assertArrayEquals(bytes("InitiatorName=iqn.2026-11.org.jstgt:i\0AuthMethod=None\0"), TextKeys.encode(m));
    }

    @Test
    void parsesRepeatedKeysInOrder() {
        List<TextKeys.Pair> pairs = TextKeys.parse(bytes(
                "TargetName=iqn.a\0TargetAddress=127.0.0.1:3260,1\0TargetAddress=[::1]:3260,1\0"));
        assertEquals(List.of(new TextKeys.Pair("TargetName", "iqn.a"),
                new TextKeys.Pair("TargetAddress", "127.0.0.1:3260,1"),
                new TextKeys.Pair("TargetAddress", "[::1]:3260,1")), pairs);
    }

    @Test
    void valueMayContainEqualsAndBeEmpty() {
        Map<String, String> m = TextKeys.parseMap(bytes("X-a=b=c\0Y=\0"));
        assertEquals("b=c", m.get("X-a"));
        assertEquals("", m.get("Y"));
    }

    @Test
    void emptySegmentHasNoPairs() {
        assertEquals(List.of(), TextKeys.parse(new byte[0]));
    }

    @Test
    void rejectsMissingTerminatorAndMissingEquals() {
        assertThrows(IllegalArgumentException.class, () -> TextKeys.parse(bytes("A=B")));
        assertThrows(IllegalArgumentException.class, () -> TextKeys.parse(bytes("AB\0")));
        assertThrows(IllegalArgumentException.class, () -> TextKeys.parse(bytes("=B\0")));
    }

    @Test
    void refusesToEncodeBadKeys() {
        assertThrows(IllegalArgumentException.class, () -> TextKeys.encode(Map.of("A=B", "x")));
        assertThrows(IllegalArgumentException.class, () -> TextKeys.encode(Map.of("A", "x\0y")));
    }

    @Test
    void sendTargetsAnswerGroupsAddressesByTarget() {
        List<DiscoveredTarget> t = Initiator.parseSendTargets(bytes(
                "TargetName=iqn.a\0TargetAddress=127.0.0.1:3260,1\0TargetAddress=[::1]:3260,1\0TargetName=iqn.b\0"));
        assertEquals(List.of(new DiscoveredTarget("iqn.a", List.of("127.0.0.1:3260,1", "[::1]:3260,1")),
                new DiscoveredTarget("iqn.b", List.of())), t);
    }

    @Test
    void sendTargetsRecordWithOtherKeysIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Initiator.parseSendTargets(
                bytes("TargetName=iqn.a\0TargetAlias=demo\0TargetAddress=127.0.0.1:3260,1\0")));
        assertTrue(e.getMessage().contains("TargetAlias"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Initiator.parseSendTargets(bytes("TargetAddress=127.0.0.1:3260,1\0")));
    }
}
