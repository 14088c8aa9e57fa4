package org.jstgt.iscsi.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

class FloodLogTest {

    private static InetAddress ip(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
    }

    @Test
    void oncePerPeerPerIntervalWithTheCountSuppressed() throws Exception {
        FloodLog<InetAddress> log = new FloodLog<>(100);
        assertEquals(0, log.record(ip(1), 1000), "first refusal of a peer is logged");
        assertEquals(-1, log.record(ip(1), 1050));
        assertEquals(-1, log.record(ip(1), 1099));
        assertEquals(0, log.record(ip(2), 1099), "another peer has its own line");
        assertEquals(2, log.record(ip(1), 1100), "next interval: logged with the two suppressed");
        assertEquals(-1, log.record(ip(1), 1101));
    }

    @Test
    void manyPeersDoNotGrowItWithoutBound() throws Exception {
        FloodLog<InetAddress> log = new FloodLog<>(1_000_000);
        for (int i = 0; i < FloodLog.MAX_PEERS + 10; i++) {
            assertEquals(0, log.record(ip(i), i));
        }
        assertEquals(0, log.record(ip(0), FloodLog.MAX_PEERS + 20), "the oldest peers were forgotten");
        assertEquals(-1, log.record(ip(FloodLog.MAX_PEERS + 9), FloodLog.MAX_PEERS + 21), "recent peers are kept");
    }
}
