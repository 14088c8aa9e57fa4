package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jstgt.testkit.Cdbs;

/**
 * One session of the load generator from login to logout: the leading connection, as many further
 * connections as the target allows (up to {@code --connections}), a reader thread on each, probes
 * (commands waited for one at a time, outside the load), the watch over failures and overdue
 * commands, and the logout.
 */
final class McsClient {
    /** The capacity of a logical unit (READ CAPACITY(10)). */
    record Capacity(long blocks, int blockLength) {
        long bytes() {
            return blocks * blockLength;
        }
    }

    final McsOptions options;
    final McsSession session;
    /** Why a further connection could not join, or null. */
    String joinError;

    McsClient(McsOptions options) {
        this.options = options;
        this.session = new McsSession(options);
    }

    /** Logs the session in and starts every connection's reader. */
    void open() throws IOException {
        McsConnection leading = new McsConnection(session, 0);
        session.connections.add(leading);
        Map<String, String> answered = leading.login(true);
        leading.settleSession(answered);
        int allowed = allowedConnections(session.maxConnectionsAnswer, options.connections());
        for (int cid = 1; cid < allowed; cid++) {
            McsConnection c = new McsConnection(session, cid);
            try {
                c.login(false);
                session.connections.add(c);
                System.err.println("McsLoad: connection CID " + cid + " joined session TSIH " + session.tsih);
            } catch (McsConnection.LoginRefused e) {
                c.close();
                joinError = e.getMessage();
                break;
            }
        }
        for (McsConnection c : session.connections) {
            c.startReader();
        }
    }

    List<McsConnection> connections() {
        return session.connections;
    }

    /** @return the connections to open: the request, capped by the target's MaxConnections answer */
    private static int allowedConnections(String answer, int requested) {
        try {
            return Math.max(1, Math.min(requested, Integer.parseInt(answer.trim())));
        } catch (NumberFormatException e) {
            return 1; // not answered or not a number: the default, 1
        }
    }

    /**
     * Sends one command on the leading connection, outside the load, and waits for it.
     *
     * @return the finished command, whatever its status
     */
    McsTask probe(McsCommand command) throws IOException, InterruptedException {
        McsTask t = session.connections.get(0).probe(command);
        check();
        if (t == null) {
            throw new IOException("the target's command window is closed (MaxCmdSN < CmdSN) for " + command.what());
        }
        return t;
    }

    /** @return the task, when its status is GOOD */
    McsTask probeGood(McsCommand command) throws IOException, InterruptedException {
        McsTask t = probe(command);
        if (t.status != McsSense.GOOD) {
            throw new IOException(command.what() + " of LUN " + command.lun() + " failed: SCSI status " + t.outcome());
        }
        return t;
    }

    /** READ CAPACITY(10) until it passes the unit attentions a new nexus may see first. */
    Capacity capacity(int lun) throws IOException, InterruptedException {
        String last = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            McsTask t = probe(McsCommand.read(lun, Cdbs.readCapacity10(), "READ CAPACITY(10)", 8, true));
            if (t.status == McsSense.GOOD) {
                return new Capacity(readUint32(t.data, 0) + 1, (int) readUint32(t.data, 4));
            }
            last = t.outcome();
            if (t.status != McsSense.CHECK_CONDITION) {
                break; // only CHECK CONDITION (a unit attention) is worth another try
            }
        }
        throw new IOException("READ CAPACITY(10) of LUN " + lun + " failed: SCSI status " + last);
    }

    /** Lets the load run, checking for failures and overdue commands. */
    void runFor(double seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() - end < 0) {
            Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
            check();
        }
    }

    /** Waits, checking, until no command is in flight. */
    void drain() throws IOException, InterruptedException {
        while (!session.tasks.isEmpty()) {
            Thread.sleep(2);
            check();
        }
    }

    void check() throws IOException {
        String failure = session.failure();
        if (failure != null) {
            throw new IOException(failure);
        }
        long now = System.nanoTime();
        for (McsTask t : session.tasks.values()) {
            if (now - t.startNanos > options.timeoutNanos()) {
                session.fail(String.format(Locale.ROOT, "%s (ITT %08x) on CID %d unanswered for %.0f s", t.what,
                        t.itt, t.connection.cid, options.timeoutSeconds()));
                throw new IOException(session.failure());
            }
        }
    }

    /**
     * Logs out: every added connection closes itself (reason 1), then the leading one closes the
     * session (reason 0).
     *
     * @return "ok" or what went wrong
     */
    String logout() throws InterruptedException {
        session.closing = true;
        String result = "ok";
        List<McsConnection> conns = session.connections;
        for (int i = conns.size() - 1; i >= 0 && result.equals("ok"); i--) {
            McsConnection c = conns.get(i);
            try {
                c.sendLogout(i == 0 ? 0 : 1);
                if (!c.loggedOut.await(options.timeoutNanos(), TimeUnit.NANOSECONDS)) {
                    result = "CID " + c.cid + ": no Logout Response within " + options.timeoutSeconds() + " s";
                } else if (c.logoutResponse != 0) {
                    result = "CID " + c.cid + ": Logout Response " + c.logoutResponse;
                }
            } catch (IOException e) {
                result = "CID " + c.cid + ": logout failed: " + e.getMessage();
            }
        }
        closeAll();
        for (McsConnection c : conns) {
            c.joinReader(1000);
        }
        return result.replace('"', '\'');
    }

    void closeAll() {
        session.closing = true;
        for (McsConnection c : session.connections) {
            c.close();
        }
    }

    static long readUint32(byte[] b, int off) {
        return (b[off] & 0xffL) << 24 | (b[off + 1] & 0xffL) << 16 | (b[off + 2] & 0xffL) << 8 | b[off + 3] & 0xffL;
    }
}
