package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jstgt.testkit.Cdbs;

/**
 * A load generator for one iSCSI session of several connections (MC/S, RFC 7143 §6.3.1), which
 * neither libiscsi nor QEMU can open: a leading login offering MaxConnections, then as many further
 * connections as the target answered (up to {@code --connections}) joining with the session's
 * TSIH and their own CID. {@code --queue-depth} random READ(10)s (WRITE(10)s with immediate data
 * with {@code --write}) of {@code --block} bytes stay in flight, spread evenly over the
 * connections, for {@code --seconds} (after {@code --warmup} seconds not counted); CmdSN is one
 * sequence for the session and respects MaxCmdSN.
 * Prints one JSON line: the connections the session really got, completions, IOPS and MB/s.
 *
 * <p>Bounded: every socket read, login, command and the logout wait at most {@code --timeout}
 * seconds; a target error (Reject, a failed command, a dropped connection) ends the run with exit
 * status 1 and the reason on stderr. Usage: {@value McsOptions#USAGE}.
 */
public final class McsLoad {
    private final McsOptions options;
    private final McsSession session;

    private McsLoad(McsOptions options) {
        this.options = options;
        this.session = new McsSession(options);
    }

    /**
     * @param args see {@link McsOptions#USAGE}
     */
    public static void main(String[] args) {
        McsOptions options;
        try {
            options = McsOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("McsLoad: " + e.getMessage());
            System.err.println(McsOptions.USAGE);
            System.exit(2);
            return;
        }
        McsLoad load = new McsLoad(options);
        try {
            System.out.println(load.run());
            System.exit(0);
        } catch (IOException | InterruptedException | RuntimeException e) {
            String failure = load.session.failure();
            System.err.println("McsLoad: " + (failure != null ? failure : e.getMessage() != null ? e.getMessage()
                    : e.toString()));
            load.closeAll();
            System.exit(1);
        }
    }

    private String run() throws IOException, InterruptedException {
        McsConnection leading = new McsConnection(session, 0);
        session.connections.add(leading);
        Map<String, String> answered = leading.login(true);
        leading.settleSession(answered);
        int allowed = allowedConnections(session.maxConnectionsAnswer, options.connections());
        String joinError = null;
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
        capacity(leading);
        List<McsConnection> conns = session.connections;
        for (int i = 0; i < options.queueDepth(); i++) {
            conns.get(i % conns.size()).issueLoad();
        }
        for (McsConnection c : conns) {
            c.flush();
        }
        runFor(options.warmup());
        long[] before = new long[conns.size()];
        long warmupIos = 0;
        for (int i = 0; i < before.length; i++) {
            before[i] = conns.get(i).completed;
            warmupIos += before[i];
        }
        long start = System.nanoTime();
        runFor(options.seconds());
        session.stopping = true;
        long elapsed = System.nanoTime() - start;
        long total = 0;
        List<Long> per = new ArrayList<>();
        for (int i = 0; i < before.length; i++) {
            long n = conns.get(i).completed - before[i];
            per.add(n);
            total += n;
        }
        // what is still in flight finishes (not counted), then the session logs out
        while (!session.tasks.isEmpty()) {
            Thread.sleep(5);
            check();
        }
        String logout = logout();
        double secs = elapsed / 1e9;
        double iops = total / secs;
        return String.format(Locale.ROOT, "{\"tool\":\"McsLoad\",\"target\":\"%s\",\"lun\":%d,\"op\":\"%s\","
                + "\"block\":%d,\"queue_depth\":%d,\"connections_requested\":%d,\"max_connections_answered\":\"%s\","
                + "\"connections\":%d,\"join_refused\":%s,\"tsih\":%d,"
                + "\"warmup_ios\":%d,\"seconds\":%.3f,\"ios\":%d,"
                + "\"per_connection\":%s,\"iops\":%.1f,\"mbps\":%.2f,\"logout\":\"%s\"}",
                options.target(), options.lun(), options.write() ? "write" : "read", options.block(),
                options.queueDepth(), options.connections(), session.maxConnectionsAnswer, conns.size(),
                joinError == null ? "null" : "\"" + joinError + "\"", session.tsih, warmupIos, secs, total, per, iops,
                iops * options.block() / 1e6, logout);
    }

    /** Lets the load run, checking for failures and overdue commands. */
    private void runFor(double seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() - end < 0) {
            Thread.sleep(Math.max(1, Math.min(50, (end - System.nanoTime()) / 1_000_000)));
            check();
        }
    }

    /** @return the connections to open: the request, capped by the target's MaxConnections answer */
    private static int allowedConnections(String answer, int requested) {
        try {
            return Math.max(1, Math.min(requested, Integer.parseInt(answer.trim())));
        } catch (NumberFormatException e) {
            return 1; // not answered or not a number: the default, 1
        }
    }

    /** READ CAPACITY(10) until it passes the unit attentions a new nexus may see first. */
    private void capacity(McsConnection c) throws IOException, InterruptedException {
        String last = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            McsTask t = c.probe(Cdbs.readCapacity10(), "READ CAPACITY(10)", 8);
            check();
            if (t == null) {
                throw new IOException("the target's command window is closed after login (MaxCmdSN < CmdSN)");
            }
            if (t.status == 0) {
                long lastLba = readUint32(t.data, 0);
                long blockLength = readUint32(t.data, 4);
                if (blockLength == 0 || options.block() % blockLength != 0) {
                    throw new IOException("LUN " + options.lun() + " has " + blockLength + "-byte blocks; --block "
                            + options.block() + " is not a multiple of that");
                }
                session.blocksPerCommand = (int) (options.block() / blockLength);
                session.lbaSlots = (lastLba + 1) / session.blocksPerCommand;
                if (session.lbaSlots < 1) {
                    throw new IOException("LUN " + options.lun() + " is smaller than one block of " + options.block());
                }
                return;
            }
            last = status(t.status, t.sense);
            if (t.status != 2) {
                break; // only CHECK CONDITION (a unit attention) is worth another try
            }
        }
        throw new IOException("READ CAPACITY(10) of LUN " + options.lun() + " failed: SCSI status " + last);
    }

    private void check() throws IOException {
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
     */
    private String logout() throws InterruptedException {
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

    private void closeAll() {
        session.closing = true;
        for (McsConnection c : session.connections) {
            c.close();
        }
    }

    private static long readUint32(byte[] b, int off) {
        return (b[off] & 0xffL) << 24 | (b[off + 1] & 0xffL) << 16 | (b[off + 2] & 0xffL) << 8 | b[off + 3] & 0xffL;
    }

    /** @return a SCSI status with its sense key and additional sense code, when there is sense data */
    static String status(int status, byte[] sense) {
        String s = String.format(Locale.ROOT, "0x%02x", status);
        if (sense.length >= 14 && (sense[0] & 0x7e) == 0x70) { // fixed format (SPC-5 §4.4.3)
            s += String.format(Locale.ROOT, " sense key 0x%x ASC/ASCQ %02x/%02x", sense[2] & 0x0f, sense[12] & 0xff,
                    sense[13] & 0xff);
        } else if (sense.length >= 4 && (sense[0] & 0x7e) == 0x72) { // descriptor format
            s += String.format(Locale.ROOT, " sense key 0x%x ASC/ASCQ %02x/%02x", sense[1] & 0x0f, sense[2] & 0xff,
                    sense[3] & 0xff);
        }
        return s;
    }
}
