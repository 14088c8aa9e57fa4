package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;

import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.DiscoveredTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.Negotiated;
import org.jstgt.testkit.ScsiData;
import org.jstgt.testkit.ScsiReply;
import org.jstgt.testkit.Sense;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real assembly, started as {@code bin/karaf server}, driven by the testkit initiator over the
 * shipped IPv4 and IPv6 portals with the negotiation variants real initiators rarely use
 * (CRC32C digests, InitialR2T=No, ImmediateData=No, small bursts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaInitiatorIT {
    private static final String IQN = KarafInstance.DEMO_IQN;

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("testkit-initiator");

    @Test
    void discoveryOnBothPortalsListsDemoTarget() throws Exception {
        for (InetSocketAddress portal : List.of(KarafInstance.PORTAL_V4, KarafInstance.PORTAL_V6)) {
            List<DiscoveredTarget> targets = Initiator.sendTargets(portal, InitiatorOptions.defaults());
            DiscoveredTarget demo = targets.stream().filter(t -> t.name().equals(IQN)).findFirst()
                    .orElseThrow(() -> new AssertionError(portal + ": SendTargets=All without " + IQN + ": " + targets));
            assertTrue(demo.addresses().stream().anyMatch(a -> KarafInstance.sameAddress(a, KarafInstance.PORTAL_V4)),
                    demo.toString());
            assertTrue(demo.addresses().stream().anyMatch(a -> KarafInstance.sameAddress(a, KarafInstance.PORTAL_V6)),
                    demo.toString());
        }
    }

    @ParameterizedTest(name = "{0} digests={1} immediate={2} initialR2T={3} firstBurst={4} maxBurst={5}")
    @CsvSource({
        "v4, None,        true,  true,  65536, 262144",
        "v6, None,        true,  true,  65536, 262144",
        "v4, CRC32C,      true,  true,  8192,  16384",
        "v4, 'CRC32C,None', false, false, 16384, 65536",
        "v6, None,        true,  false, 4096,  8192",
        "v4, None,        false, true,  65536, 262144",
    })
    void writeReadBackAcrossNegotiationVariants(String family, String digest, boolean immediate, boolean initialR2T,
            int firstBurst, int maxBurst) throws Exception {
        InetSocketAddress portal = family.equals("v6") ? KarafInstance.PORTAL_V6 : KarafInstance.PORTAL_V4;
        InitiatorOptions o = InitiatorOptions.defaults().withDigests(digest, digest).withImmediateData(immediate)
                .withInitialR2T(initialR2T).withBurstLengths(firstBurst, maxBurst);
        try (Initiator session = Initiator.connect(portal, o)) {
            Negotiated n = session.login(IQN);
            if (digest.equals("CRC32C")) {
                assertTrue(n.headerDigest() && n.dataDigest(), "CRC32C was the only offer: " + n);
            }
            Sessions.clearUnitAttentions(session);
            ScsiData.Capacity cap = ScsiData.readCapacity16(
                    session.scsi(0, Cdbs.readCapacity16(32), null, 32).assertGood().data());
            assertEquals(1L << 30, cap.bytes());
            Random random = new Random();
            long base = 1 + random.nextInt(1 << 20);
            for (int blocks : new int[] {1, 17, 300, 1025}) {
                byte[] data = new byte[blocks * cap.blockLength()];
                random.nextBytes(data);
                session.scsi(0, Cdbs.write16(base, blocks), data, 0).assertGood();
                ScsiReply r = session.scsi(0, Cdbs.read16(base, blocks), null, data.length).assertGood();
                assertArrayEquals(data, r.data(), blocks + " blocks at " + base);
                base += blocks;
            }
            Sense.LBA_OUT_OF_RANGE.check(session.scsi(0, Cdbs.read10(cap.lastLba(), 2), null, 1024));
            session.ping();
            session.logout();
        }
    }
}
