package org.jstgt.benchmarks.mcs;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the connections of one session share (RFC 7143 §4.2.2, §6.3.1): the ISID and TSIH, the
 * Initiator Task Tags (unique across the session), one CmdSN sequence and command window, the
 * commands in flight, and the first failure, which ends the run. Locking: a connection's write lock
 * is taken before this object's monitor, never after.
 */
final class McsSession {
    final McsOptions options;
    final byte[] isid = new byte[6];
    volatile int tsih;
    /** Commands in flight by ITT, on whichever connection carries them. */
    final Map<Integer, McsTask> tasks = new ConcurrentHashMap<>();
    final List<McsConnection> connections = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    /** Set for the measured time: completions record their latency. */
    volatile boolean measuring;
    /** Set when the measured time is over: completions no longer start new commands. */
    volatile boolean stopping;
    /** Set before the logout: connections closing from here on are no failure. */
    volatile boolean closing;

    // session parameters settled by the leading login (RFC 7143 §13)
    volatile boolean immediateData;
    volatile int firstBurstLength;
    volatile String maxConnectionsAnswer = "1";

    /** What the load sends; set before the first load command. */
    volatile McsSource source;

    private int nextItt = 1;
    private int cmdSN = 1;
    private int maxCmdSN = 1;
    private int expCmdSN = 1;
    /** A load command that was due when the window was closed, and goes as soon as it opens. */
    record Owed(int slot, McsCommand command) {
    }

    /** The load commands owed to a closed window, in the order they were due. */
    private final ArrayDeque<Owed> deferred = new ArrayDeque<>();

    McsSession(McsOptions options) {
        this.options = options;
        SecureRandom random = new SecureRandom();
        random.nextBytes(isid);
        isid[0] = (byte) (0x80 | isid[0] & 0x3f); // ISID type 10b: random (RFC 7143 §11.12.5)
    }

    synchronized int nextItt() {
        int itt = nextItt++;
        if (nextItt == -1) {
            nextItt = 1; // 0xffffffff is the reserved tag
        }
        return itt;
    }

    /**
     * @param slot the load slot sending; -1 for a probe, which is not kept when the window is closed
     * @param command the command, kept (owed) when the window is closed
     * @return the CmdSN a command takes now, advanced, or -1 when the window is closed
     */
    synchronized long takeCmdSNOrDefer(int slot, McsCommand command) {
        if (cmdSN - maxCmdSN > 0) {
            if (slot >= 0) {
                deferred.add(new Owed(slot, command));
            }
            return -1;
        }
        return cmdSN++ & 0xffffffffL;
    }

    /** @return the CmdSN that immediate PDUs carry (not advanced) */
    synchronized int cmdSN() {
        return cmdSN;
    }

    /** @return a command owed to a closed window that may go now (no longer owed), or null */
    synchronized Owed takeDeferred() {
        if (!deferred.isEmpty() && cmdSN - maxCmdSN <= 0 && !stopping) {
            return deferred.poll();
        }
        return null;
    }

    /** RFC 7143 §4.2.2.1: ExpCmdSN and MaxCmdSN only move forward (serial number arithmetic). */
    synchronized void updateWindow(int exp, int max) {
        if (max - exp < -1) {
            return; // not a valid window; ignored as the RFC says
        }
        if (exp - expCmdSN > 0) {
            expCmdSN = exp;
        }
        if (max - maxCmdSN > 0) {
            maxCmdSN = max;
        }
    }

    /** Records the first failure and closes every connection, so that all threads unwind. */
    void fail(String message) {
        if (failure.compareAndSet(null, message)) {
            closing = true;
            for (McsConnection c : connections) {
                c.close();
            }
        }
    }

    String failure() {
        return failure.get();
    }
}
