package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jstgt.api.scsi.ScsiStatus;
import org.jstgt.testkit.Cdbs;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.Pdu;
import org.jstgt.testkit.ScsiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a cluster relies on across a restart of the target: SPC-4 persistent reservations made
 * with APTPL (activate persist through power loss) come back after the assembly is stopped and
 * started, held by the same reservation key, still keeping other initiators from writing; and a
 * CLEAR is as persistent as the reservation it clears. The real assembly runs on a free loopback
 * port; two initiator names play two cluster nodes.
 */
class ReservationsIT {
    private static final String IQN = KarafInstance.DEMO_IQN;
    private static final String NODE_A = "iqn.2026-12.org.jstgt:node-a";
    private static final String NODE_B = "iqn.2026-12.org.jstgt:node-b";
    private static final long KEY_A = 0xA1A1_0000_0000_00A1L;
    private static final long KEY_B = 0xB2B2_0000_0000_00B2L;
    private static final long KEY_B_AFTER = 0xB3B3_0000_0000_00B3L;
    /** PERSISTENT RESERVE OUT service actions and the Write Exclusive type (SPC-4 §6.16.2, §6.15.3.4). */
    static final int REGISTER = 0;
    private static final int RESERVE = 1;
    static final int CLEAR = 3;
    private static final int WRITE_EXCLUSIVE = 1;
    static final int RESERVATION_CONFLICT = 0x18;
    /** PERSISTENT RESERVE OUT's PREEMPT AND ABORT (SPC-4 §6.16.2). */
    static final int PREEMPT_AND_ABORT = 5;
    /** Write Exclusive, Registrants Only (SPC-4 §6.15.3.4). */
    static final int WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 5;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aptplReservationSurvivesARestartAndSoDoesItsClear() throws Exception {
        KarafInstance.runOnFreePort("cluster-pr", karaf -> {
            karaf.start();
            try (Initiator a = login(karaf, NODE_A); Initiator b = login(karaf, NODE_B)) {
                out(a, REGISTER, 0, 0, KEY_A, true).assertGood();
                out(b, REGISTER, 0, 0, KEY_B, true).assertGood();
                out(a, RESERVE, WRITE_EXCLUSIVE, KEY_A, 0, false).assertGood();
                assertEquals(RESERVATION_CONFLICT, write(b).status(), "node B writes under A's Write Exclusive");
                read(b).assertGood();
                write(a).assertGood();
                a.logout();
                b.logout();
            }
            karaf.stop();
            karaf.start();
            try (Initiator b = login(karaf, NODE_B)) {
                // a new session (new ISID) of node B: an unregistered I_T nexus that sees the state
                assertEquals(List.of(KEY_A, KEY_B), readKeys(b), "registrations after the restart");
                assertEquals(new Reservation(KEY_A, WRITE_EXCLUSIVE), readReservation(b), "reservation after the restart");
                assertEquals(RESERVATION_CONFLICT, write(b).status(), "the restored reservation keeps B from writing");
                read(b).assertGood();
                out(b, REGISTER, 0, 0, KEY_B_AFTER, true).assertGood();
                out(b, CLEAR, 0, KEY_B_AFTER, 0, false).assertGood();
                write(b).assertGood();
                b.logout();
            }
            karaf.stop();
            karaf.start();
            try (Initiator b = login(karaf, NODE_B)) {
                assertEquals(List.of(), readKeys(b), "registrations after CLEAR and a restart");
                assertEquals(null, readReservation(b), "reservation after CLEAR and a restart");
                write(b).assertGood();
                b.logout();
            }
        });
    }

    /**
     * Fencing as fence_mpath does it, at the PDU level: node B holds Write Exclusive, Registrants
     * Only and has a WRITE in its data phase (the target's R2T is out, B's data is not) when node A
     * preempts B's key with PREEMPT AND ABORT. A's command completes at once; B's WRITE, once its
     * data is in, completes with TASK ABORTED status (TAS 1), so B's initiator retries or fails it
     * at once instead of timing it out, and its data never reaches the disk. B's next command gets
     * REGISTRATIONS PREEMPTED, then RESERVATION CONFLICT.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void preemptAndAbortAnswersTheFencedNodesWriteInFlightWithTaskAborted() throws Exception {
        KarafInstance.runOnFreePort("fence-pr", karaf -> {
            karaf.start();
            try (Initiator a = login(karaf, NODE_A); RawPeer b = RawPeer.connect(karaf.portal(), 0)) {
                b.login(NODE_B, IQN);
                clearUnitAttentions(b);
                assertEquals(ScsiStatus.GOOD, b.write(outCdb(REGISTER, 0), outParameters(0, KEY_B, false)).u8(3),
                        "B registers");
                assertEquals(ScsiStatus.GOOD, b.write(outCdb(RESERVE, WRITE_EXCLUSIVE_REGISTRANTS_ONLY),
                        outParameters(KEY_B, 0, false)).u8(3), "B reserves");
                out(a, REGISTER, 0, 0, KEY_A, false).assertGood();
                byte[] data = new byte[8 * 512];
                Arrays.fill(data, (byte) 0x5A);
                Pdu command = b.command(Cdbs.write10(4096, 8), false, true, data.length);
                b.send(command);
                Pdu r2t = b.receive();
                assertEquals(Pdu.R2T, r2t.opcode(), () -> "the target asks for B's data: " + r2t);
                out(a, PREEMPT_AND_ABORT, WRITE_EXCLUSIVE_REGISTRANTS_ONLY, KEY_A, KEY_B, false).assertGood();
                b.dataOut(r2t, data);
                Pdu answer = b.receive();
                assertEquals(Pdu.SCSI_RESPONSE, answer.opcode(), () -> "B's WRITE answered: " + answer);
                assertEquals(command.itt(), answer.itt());
                assertEquals(0, answer.u8(2), "command completed at target");
                assertEquals(ScsiStatus.TASK_ABORTED, answer.u8(3), "B's WRITE aborted by A's action (TAS 1)");
                assertArrayEquals(new byte[data.length], read(a).assertGood().data(),
                        "B's data never reached the disk");
                Pdu tur = b.nonData(Cdbs.testUnitReady());
                assertEquals(ScsiStatus.CHECK_CONDITION, tur.u8(3));
                assertEquals(0x2A, tur.data()[2 + 12] & 0xFF, "REGISTRATIONS PREEMPTED (2Ah/05h)");
                assertEquals(0x05, tur.data()[2 + 13] & 0xFF);
                assertEquals(RESERVATION_CONFLICT, b.write(Cdbs.write10(4096, 8), data).u8(3), "B is fenced");
                write(a).assertGood();
                a.logout();
            }
        });
    }

    /** Reads B's power-on unit attention (TEST UNIT READY until GOOD). */
    private static void clearUnitAttentions(RawPeer b) throws IOException {
        for (int i = 0; i < 4 && b.nonData(Cdbs.testUnitReady()).u8(3) != ScsiStatus.GOOD; i++) {
            // one condition per command
        }
    }

    private static Initiator login(KarafInstance karaf, String name) throws IOException {
        return Sessions.login(karaf.portal(), name, IQN);
    }

    private static ScsiReply write(Initiator session) throws IOException {
        return session.scsi(0, Cdbs.write10(4096, 8), new byte[8 * 512], 0);
    }

    private static ScsiReply read(Initiator session) throws IOException {
        return session.scsi(0, Cdbs.read10(4096, 8), null, 8 * 512);
    }

    /** PERSISTENT RESERVE OUT (SPC-4 §6.16) with the basic 24-byte parameter list. */
    static ScsiReply out(Initiator session, int serviceAction, int type, long key, long serviceActionKey,
            boolean aptpl) throws IOException {
        return session.scsi(0, outCdb(serviceAction, type), outParameters(key, serviceActionKey, aptpl), 0);
    }

    /** The CDB of PERSISTENT RESERVE OUT with the basic 24-byte parameter list, LU_SCOPE. */
    private static byte[] outCdb(int serviceAction, int type) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5F;
        cdb[1] = (byte) serviceAction;
        cdb[2] = (byte) type; // scope 0h: LU_SCOPE
        cdb[8] = 24;
        return cdb;
    }

    /** The basic parameter list of PERSISTENT RESERVE OUT (SPC-4 §6.16.3). */
    private static byte[] outParameters(long key, long serviceActionKey, boolean aptpl) {
        ByteBuffer p = ByteBuffer.allocate(24);
        p.putLong(0, key);
        p.putLong(8, serviceActionKey);
        p.put(20, (byte) (aptpl ? 1 : 0));
        return p.array();
    }

    /** PERSISTENT RESERVE IN (SPC-4 §6.15) of one service action. */
    private static byte[] in(Initiator session, int serviceAction) throws IOException {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5E;
        cdb[1] = (byte) serviceAction;
        cdb[7] = 0x10; // allocation length 4096
        return session.scsi(0, cdb, null, 4096).assertGood().data();
    }

    /** READ KEYS (SPC-4 §6.15.2): the registered reservation keys, in the order the target lists them. */
    static List<Long> readKeys(Initiator session) throws IOException {
        ByteBuffer d = ByteBuffer.wrap(in(session, 0));
        int length = d.getInt(4);
        assertTrue(length % 8 == 0 && 8 + length <= d.capacity(), "READ KEYS ADDITIONAL LENGTH " + length);
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < length; i += 8) {
            keys.add(d.getLong(8 + i));
        }
        keys.sort(null);
        return keys;
    }

    /** A persistent reservation as READ RESERVATION reports it. */
    record Reservation(long key, int type) {
    }

    /** READ RESERVATION (SPC-4 §6.15.3): the reservation, or null when there is none. */
    static Reservation readReservation(Initiator session) throws IOException {
        ByteBuffer d = ByteBuffer.wrap(in(session, 1));
        int length = d.getInt(4);
        if (length == 0) {
            return null;
        }
        assertEquals(16, length, "READ RESERVATION ADDITIONAL LENGTH");
        return new Reservation(d.getLong(8), d.get(21) & 0x0F);
    }
}
