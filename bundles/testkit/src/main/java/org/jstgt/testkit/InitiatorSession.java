package org.jstgt.testkit;

/**
 * The session-wide state of an {@link Initiator} and of every connection added to its session
 * (RFC 7143 §4.2.2: one ISID and TSIH, Initiator Task Tags unique across the session, one CmdSN
 * sequence and command window shared by all connections). Thread-safe: connections of one session
 * may be driven from several threads.
 */
final class InitiatorSession {
    final byte[] isid = new byte[6];
    private volatile int tsih;
    private int nextItt = 1;
    private int cmdSN = 1;
    private int expCmdSN = 1;
    private int maxCmdSN = 1;

    InitiatorSession() {
        // ISID type 10b (random, RFC 7143 §11.12.5): byte 0 bits 6-7 = 2, the rest random
        InitiatorConnection.RANDOM.nextBytes(isid);
        isid[0] = (byte) (0x80 | (isid[0] & 0x3f));
    }

    int tsih() {
        return tsih;
    }

    void tsih(int v) {
        tsih = v;
    }

    synchronized int nextItt() {
        int itt = nextItt++;
        if (nextItt == Pdu.RESERVED_TAG) {
            nextItt = 1;
        }
        return itt;
    }

    /** @return the CmdSN the next non-immediate command takes (immediate ones carry it too) */
    synchronized int cmdSN() {
        return cmdSN;
    }

    /** @return the CmdSN for a non-immediate command, which advances it */
    synchronized int takeCmdSN() {
        return cmdSN++;
    }

    synchronized int maxCmdSN() {
        return maxCmdSN;
    }

    /** @return true when the next CmdSN lies inside the window the target opened */
    synchronized boolean windowOpen() {
        return cmdSN - maxCmdSN <= 0;
    }

    /** RFC 7143 §4.2.2.1: ExpCmdSN and MaxCmdSN only move forward (serial number arithmetic). */
    synchronized void updateWindow(int exp, int max) {
        if (max - exp < -1) {
            return; // MaxCmdSN = ExpCmdSN - 1 closes the window; lower values are invalid and ignored
        }
        if (exp - expCmdSN > 0) {
            expCmdSN = exp;
        }
        if (max - maxCmdSN > 0) {
            maxCmdSN = max;
        }
    }
}
