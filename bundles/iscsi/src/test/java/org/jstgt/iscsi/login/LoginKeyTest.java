package org.jstgt.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LoginKeyTest {

    @Test
    void resultFunctions() {
        assertEquals("CRC32C", LoginKey.HEADER_DIGEST.negotiate("CRC32C,None", "None,CRC32C"));
        assertEquals("None", LoginKey.HEADER_DIGEST.negotiate("None,CRC32C", "None,CRC32C"));
        assertEquals("None", LoginKey.DATA_DIGEST.negotiate("CRC32C,None", "None"));
        assertEquals("Reject", LoginKey.DATA_DIGEST.negotiate("MD5", "None,CRC32C"));
        assertEquals("4096", LoginKey.MAX_BURST_LENGTH.negotiate("4096", "1048576"));
        assertEquals("1048576", LoginKey.MAX_BURST_LENGTH.negotiate("16776192", "1048576"));
        assertEquals("Reject", LoginKey.MAX_BURST_LENGTH.negotiate("511", "1048576"));
        assertEquals("Reject", LoginKey.MAX_BURST_LENGTH.negotiate("16777216", "1048576"));
        assertEquals("Reject", LoginKey.MAX_BURST_LENGTH.negotiate("12abc", "1048576"));
        assertEquals("8192", LoginKey.MAX_BURST_LENGTH.negotiate("0x2000", "1048576"));
        assertEquals("5", LoginKey.DEFAULT_TIME2WAIT.negotiate("5", "2"));
        assertEquals("2", LoginKey.DEFAULT_TIME2WAIT.negotiate("0", "2"));
        assertEquals("No", LoginKey.IMMEDIATE_DATA.negotiate("No", "Yes"));
        assertEquals("Yes", LoginKey.IMMEDIATE_DATA.negotiate("Yes", "Yes"));
        assertEquals("Yes", LoginKey.INITIAL_R2T.negotiate("Yes", "No"));
        assertEquals("No", LoginKey.INITIAL_R2T.negotiate("No", "No"));
        assertEquals("Reject", LoginKey.INITIAL_R2T.negotiate("yes", "No"));
        assertEquals("0", LoginKey.ERROR_RECOVERY_LEVEL.negotiate("2", "0"));
        assertEquals("Reject", LoginKey.ERROR_RECOVERY_LEVEL.negotiate("3", "0"));
    }

    @Test
    void configValidationReplacesBadValuesWithDefaults() {
        TargetSettings s = TargetSettings.from(Map.of("max.burst.length", "100", "first.burst.length", "abc",
                "immediate.data", "maybe", "header.digest", "crc32c, none", "queue.depth", "0",
                "max.recv.data.segment.length", "65536"), "etc/jstgt.target-t.cfg");
        assertEquals("1048576", s.ours(LoginKey.MAX_BURST_LENGTH));
        assertEquals("262144", s.ours(LoginKey.FIRST_BURST_LENGTH));
        assertEquals("Yes", s.ours(LoginKey.IMMEDIATE_DATA));
        assertEquals("CRC32C,None", s.ours(LoginKey.HEADER_DIGEST));
        assertEquals(128, s.queueDepth());
        assertEquals(65536, s.maxRecvDataSegmentLength());
        TargetSettings t = TargetSettings.from(Map.of("max.burst.length", "4096", "first.burst.length", "8192",
                "initial.r2t", "true", "max.connections", "4"), "x");
        assertEquals("4096", t.ours(LoginKey.FIRST_BURST_LENGTH));
        assertEquals("Yes", t.ours(LoginKey.INITIAL_R2T));
        assertEquals("4", t.ours(LoginKey.MAX_CONNECTIONS));
        assertEquals("64", TargetSettings.from(Map.of("max.connections", "65"), "x").ours(LoginKey.MAX_CONNECTIONS),
                "at most 64 connections per session");
        assertEquals("4", TargetSettings.from(Map.of(), "x").ours(LoginKey.MAX_CONNECTIONS), "default 4");
        TargetSettings erl = TargetSettings.from(Map.of("error.recovery.level", "2", "max.outstanding.r2t", "4"), "x");
        assertEquals("2", erl.ours(LoginKey.ERROR_RECOVERY_LEVEL));
        assertEquals("0", TargetSettings.from(Map.of("error.recovery.level", "3"), "x").ours(LoginKey.ERROR_RECOVERY_LEVEL),
                "0..2 (RFC 7143 §13.20): a bad value gets the default");
        assertEquals("1", erl.ours(LoginKey.MAX_OUTSTANDING_R2T), "RFC 7143 §13.19 above level 0");
        assertEquals("0", TargetSettings.from(Map.of(), "x").ours(LoginKey.ERROR_RECOVERY_LEVEL), "default 0");
        assertEquals("4", TargetSettings.from(Map.of("max.outstanding.r2t", "4"), "x").ours(LoginKey.MAX_OUTSTANDING_R2T));
        assertThrows(IllegalArgumentException.class, () -> LoginKey.DATA_DIGEST.configToWire("MD5"));
    }
}
