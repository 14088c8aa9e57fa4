package org.jstgt.iscsi.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class FlowSettingsTest {
    private static final String ORIGIN = "etc/jstgt.target-t.cfg";

    @Test
    void sizesTakeBinaryUnits() {
        assertEquals(1048576, FlowSettings.bytes("1048576"));
        assertEquals(4096, FlowSettings.bytes("4KiB"));
        assertEquals(64L << 20, FlowSettings.bytes("64 MiB"));
        assertEquals(1L << 30, FlowSettings.bytes("1gib"));
        assertThrows(NumberFormatException.class, () -> FlowSettings.bytes("lots"));
        assertThrows(ArithmeticException.class, () -> FlowSettings.bytes("99999999999999GiB"));
    }

    @Test
    void configuredValuesAreUsed() {
        FlowSettings s = FlowSettings.from(Map.of("write.buffer.max", "16MiB", "read.buffer.max", "8MiB",
                "data.phase.timeout", "5",
                "immediate.commands.max", "0", "early.data.pdus.max", "8", "send.buffer.high", "2MiB",
                "send.buffer.low", "512KiB"), ORIGIN);
        assertEquals(16L << 20, s.writeBufferMax());
        assertEquals(8L << 20, s.readBufferMax());
        assertEquals(5, s.dataPhaseTimeoutSeconds());
        assertEquals(0, s.immediateCommandsMax());
        assertEquals(8, s.earlyDataPdusMax());
        assertEquals(2 << 20, s.waterMark().high());
        assertEquals(512 << 10, s.waterMark().low());
    }

    @Test
    void badValuesFallBackToTheDefaults() {
        FlowSettings d = FlowSettings.defaults();
        FlowSettings s = FlowSettings.from(Map.of("write.buffer.max", "64KiB", "read.buffer.max", "2GiB",
                "data.phase.timeout", "0",
                "immediate.commands.max", "many", "early.data.pdus.max", "-1", "send.buffer.high", "1MiB",
                "send.buffer.low", "1MiB"), ORIGIN);
        assertEquals(d.writeBufferMax(), s.writeBufferMax(), "below 1 MiB");
        assertEquals(64L << 20, s.readBufferMax(), "above 1 GiB");
        assertEquals(60, s.dataPhaseTimeoutSeconds(), "0 would never time out");
        assertEquals(4, s.immediateCommandsMax());
        assertEquals(64, s.earlyDataPdusMax());
        assertEquals(d.waterMark().high(), s.waterMark().high(), "low not below high: both defaults");
        assertEquals(d.waterMark().low(), s.waterMark().low());
        assertEquals(64L << 20, d.writeBufferMax());
    }
}
