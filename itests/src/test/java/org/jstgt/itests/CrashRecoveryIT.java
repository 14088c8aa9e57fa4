package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.jstgt.testkit.ScsiData;
import org.jstgt.testkit.ScsiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acknowledged durable writes survive {@code kill -9} of the target. The real assembly runs on a
 * free loopback port (never 3260, so it can run beside another jstgt); each round writes distinct
 * patterns to the file-backed demo LUN 0 with the testkit initiator in one of the three ways SBC-4
 * makes a write durable (WRITE then SYNCHRONIZE CACHE; WRITE with FUA; WRITE AND VERIFY), and as
 * soon as the last one is acknowledged the Karaf JVM is killed with SIGKILL, by the PID this test
 * started, with the session still open. The same instance is started again and everything written
 * in every round so far is read back and compared byte for byte.
 *
 * <p>What this proves: the acknowledged data had left the JVM (no acknowledgement before the write
 * reached the kernel, no data held in a Java-side cache or queue), and a restart reopens the same
 * image (found at its path, its size and contents kept, the file lock of the killed JVM gone) and
 * serves it. What it does not prove: that the data reached stable storage. The kernel's page cache
 * survives the death of a process, so unsynced data would read back too; power loss or a kernel
 * crash would be needed to tell a flush from none. The store-file and device-disk unit tests cover
 * that the flushes are issued and that a failed one is never forgotten.
 */
class CrashRecoveryIT {
    private static final String IQN = KarafInstance.DEMO_IQN;
    private static final int BLOCK = 512;
    private static final int BLOCKS = 256;

    /** A pattern acknowledged as durable. */
    private record Written(String how, long lba, byte[] data) {
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void acknowledgedDurableWritesSurviveKillMinus9AndRestart() throws Exception {
        KarafInstance karaf = KarafInstance.unpackOnPort("crash", KarafInstance.freePort());
        boolean passed = false;
        try {
            karaf.start();
            List<Written> acknowledged = new ArrayList<>();
            Random random = new Random(20261205L);
            String[] rounds = {"WRITE + SYNCHRONIZE CACHE", "WRITE FUA", "WRITE AND VERIFY"};
            for (int round = 0; round < rounds.length; round++) {
                Initiator session = login(karaf);
                try {
                    readBack(session, acknowledged);
                    acknowledged.addAll(write(session, rounds[round], 1000L + round * 100_000L, random));
                    karaf.killJvm();
                } finally {
                    session.close();
                }
                karaf.start();
            }
            try (Initiator session = login(karaf)) {
                readBack(session, acknowledged);
                session.logout();
            }
            passed = true;
        } catch (AssertionError | Exception e) {
            System.out.println("=== crash test failed; karaf diagnostics:\n" + karaf.diagnostics());
            throw e;
        } finally {
            karaf.stop();
            if (passed) {
                karaf.delete();
            }
        }
    }

    private static Initiator login(KarafInstance karaf) throws IOException {
        Initiator session = Initiator.connect(karaf.portal(), InitiatorOptions.defaults());
        try {
            session.login(IQN);
            Sessions.clearUnitAttentions(session);
            ScsiData.Capacity cap = ScsiData.readCapacity16(
                    session.scsi(0, Cdbs.readCapacity16(32), null, 32).assertGood().data());
            assertEquals(BLOCK, cap.blockLength(), "the demo LUN's block size");
            return session;
        } catch (IOException | RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    /**
     * One round's writes, each acknowledged GOOD before the next: two patterns side by side made
     * durable together (by one SYNCHRONIZE CACHE), or each on its own (FUA, WRITE AND VERIFY).
     */
    private static List<Written> write(Initiator session, String how, long lba, Random random) throws IOException {
        List<Written> done = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            byte[] data = new byte[BLOCKS * BLOCK];
            random.nextBytes(data);
            long at = lba + (long) i * BLOCKS;
            byte[] cdb = switch (how) {
                case "WRITE FUA" -> Cdbs.write16(at, BLOCKS, Cdbs.FUA);
                case "WRITE AND VERIFY" -> writeAndVerify10(at, BLOCKS);
                default -> Cdbs.write16(at, BLOCKS);
            };
            session.scsi(0, cdb, data, 0).assertGood();
            done.add(new Written(how, at, data));
        }
        if (how.equals("WRITE + SYNCHRONIZE CACHE")) {
            session.scsi(0, Cdbs.synchronizeCache10(0, 0, false), null, 0).assertGood();
        }
        return done;
    }

    /** WRITE AND VERIFY(10) with BYTCHK 00b: WRITE(10)'s layout with operation code 2Eh. */
    private static byte[] writeAndVerify10(long lba, int blocks) {
        byte[] cdb = Cdbs.write10(lba, blocks);
        cdb[0] = 0x2E;
        return cdb;
    }

    private static void readBack(Initiator session, List<Written> acknowledged) throws IOException {
        for (Written w : acknowledged) {
            ScsiReply r = session.scsi(0, Cdbs.read16(w.lba(), w.data().length / BLOCK), null, w.data().length)
                    .assertGood();
            assertArrayEquals(w.data(), r.data(), w.how() + " at LBA " + w.lba() + " after kill -9 and restart");
        }
    }
}
