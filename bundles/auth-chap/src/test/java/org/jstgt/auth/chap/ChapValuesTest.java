package org.jstgt.auth.chap;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Base64;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChapValuesTest {

    @Test
    void hexAndBase64DecodeToTheSameBytes() {
        byte[] b = {0, 1, (byte) 0xab, (byte) 0xff, 0x7f};
        assertArrayEquals(b, ChapValues.binary("0x0001abff7f"));
        assertArrayEquals(b, ChapValues.binary("0X0001ABFF7F"));
        assertArrayEquals(b, ChapValues.binary("0b" + Base64.getEncoder().encodeToString(b)));
        assertArrayEquals(b, ChapValues.binary("0B" + Base64.getEncoder().withoutPadding().encodeToString(b)));
        assertEquals("0x0001abff7f", ChapValues.hex(b));
    }

    @Test
    void theLongestBinaryValueIs1024Bytes() {
        byte[] max = new byte[ChapValues.MAX_BINARY];
        assertEquals(1024, ChapValues.binary(ChapValues.hex(max)).length);
        assertEquals(1024, ChapValues.binary("0b" + Base64.getEncoder().encodeToString(max)).length);
        byte[] over = new byte[ChapValues.MAX_BINARY + 1];
        assertThrows(IllegalArgumentException.class, () -> ChapValues.binary(ChapValues.hex(over)));
        assertThrows(IllegalArgumentException.class,
                () -> ChapValues.binary("0b" + Base64.getEncoder().encodeToString(over)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "0x", "0b", "x00", "00ff", "0xabc", "0x0g", "0x 00", "0x00 ", "0y00",
        "0b!!!!", "0bAA=A", "0b====", "0x\u0661\u0662", "0xａｂ"})
    void malformedBinaryValuesAreRefusedWithoutEchoingThem(String v) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChapValues.binary(v));
        // a fixed text: the value itself (a peer's challenge or response) never reaches a message
        assertTrue(Set.of("not a 0x hex or 0b base64 constant", "odd number of hex digits", "not hex digits",
                "not base64", "empty").contains(e.getMessage()), e.getMessage());
    }

    @Test
    void numbersAreDecimalOrHex() {
        assertEquals(OptionalLong.of(0), ChapValues.number("0"));
        assertEquals(OptionalLong.of(255), ChapValues.number("255"));
        assertEquals(OptionalLong.of(7), ChapValues.number("007"));
        assertEquals(OptionalLong.of(255), ChapValues.number("0xff"));
        assertEquals(OptionalLong.of(255), ChapValues.number("0XFF"));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), ChapValues.number("99999999999999999999999"));
        assertEquals(OptionalLong.of(Long.MAX_VALUE), ChapValues.number("0xffffffffffffffffffff"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", " 5", "5 ", "0x", "0b1", "5a", "1e3", "MD5", "\u0665", "0x\u0661"})
    void notNumbers(String v) {
        assertTrue(ChapValues.number(v).isEmpty(), v);
    }
}
