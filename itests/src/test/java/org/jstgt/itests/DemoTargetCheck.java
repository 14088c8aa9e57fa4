package org.jstgt.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.ScsiData;
import org.jstgt.testkit.ScsiReply;

/**
 * What "the demo target serves" means for the stock-Karaf installs: a login to
 * iqn.2026-11.org.jstgt:demo, the shipped disk0 LUN's INQUIRY and READ CAPACITY(16) (the values of
 * etc/jstgt.lun-disk0.cfg), and blocks written and read back. Used inside a Pax Exam container
 * (after the testkit bundle is installed: this class is loaded only then) and in the build JVM.
 */
final class DemoTargetCheck {
    static final String IQN = "iqn.2026-11.org.jstgt:demo";
    static final InetSocketAddress PORTAL = new InetSocketAddress("127.0.0.1", 3260);

    private DemoTargetCheck() {
    }

    /**
     * Waits, at most {@code wait}, until the demo target takes a login on 127.0.0.1:3260 and its
     * LUN 0 is ready, then checks the LUN's identity and capacity and writes and reads blocks.
     *
     * @param wait the bound on the wait for the target
     */
    static void assertServes(Duration wait) throws IOException {
        try (Initiator session = Await.until(wait, IQN + " on " + PORTAL + " to take a login with LUN 0 ready",
                DemoTargetCheck::readySession, s -> s != null)) {
            byte[] inquiry = session.scsi(0, Cdbs.inquiry(false, 0, 96), null, 96).assertGood().data();
            assertEquals("peripheral device type: direct access block device", 0, inquiry[0] & 0x1F);
            assertEquals("T10 vendor (vendor = JSTGT)", "JSTGT",
                    new String(inquiry, 8, 8, StandardCharsets.US_ASCII).trim());
            assertEquals("product (product = VIRTUAL-DISK)", "VIRTUAL-DISK",
                    new String(inquiry, 16, 16, StandardCharsets.US_ASCII).trim());

            ScsiData.Capacity cap = ScsiData.readCapacity16(
                    session.scsi(0, Cdbs.readCapacity16(32), null, 32).assertGood().data());
            assertEquals("block.size = 512", 512, cap.blockLength());
            assertEquals("size = 1GiB", 1L << 30, cap.bytes());

            Random random = new Random();
            long lba = random.nextInt((int) Math.min(Integer.MAX_VALUE, cap.lastLba() - 16));
            byte[] data = new byte[16 * 512];
            random.nextBytes(data);
            session.scsi(0, Cdbs.write10(lba, 16), data, 0).assertGood();
            ScsiReply back = session.scsi(0, Cdbs.read10(lba, 16), null, data.length).assertGood();
            assertArrayEquals("blocks " + lba + "+16 read back", data, back.data());
            session.logout();
        }
    }

    /** @return a session logged in to the demo target whose LUN 0 answers TEST UNIT READY, or null */
    private static Initiator readySession() {
        Initiator s = null;
        try {
            s = Initiator.connect(PORTAL, InitiatorOptions.defaults());
            s.login(IQN);
            // unit attentions first (power on, reported LUNs changed), then GOOD once the LUN is active
            for (int i = 0; i < 8; i++) {
                ScsiReply r = s.scsi(0, Cdbs.testUnitReady(), null, 0);
                if (r.good()) {
                    return s;
                }
                if (r.sense().map(x -> x.key() != 6).orElse(true)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not up yet: the caller retries within its bound
        }
        if (s != null) {
            s.close();
        }
        return null;
    }
}
