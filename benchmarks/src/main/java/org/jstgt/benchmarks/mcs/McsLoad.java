package org.jstgt.benchmarks.mcs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A load generator for one iSCSI session of one or several connections (MC/S, RFC 7143 §6.3.1),
 * which neither libiscsi nor QEMU can open: a leading login offering MaxConnections, then as many
 * further connections as the target answered (up to {@code --connections}) joining with the
 * session's TSIH and their own CID. CmdSN is one sequence for the session and respects MaxCmdSN.
 *
 * <p>{@code --command} picks the load ({@link LoadKind}). The timed ones keep {@code --queue-depth}
 * commands in flight, spread evenly over the connections, for {@code --seconds} (after
 * {@code --warmup} seconds not counted): random READ(10)s (the default) or WRITE(10)s with immediate
 * data of {@code --block} bytes; COMPARE AND WRITE of {@code --block} bytes that always compares
 * equal; UNMAP, WRITE SAME(16) with UNMAP, or WRITE SAME(16) of zeros, of {@code --block}-byte
 * ranges. The copies move {@code --bytes} from {@code --lun} to {@code --dest-lun} in chunks of
 * {@code --block} bytes, {@code --queue-depth} chunks at a time: READ(16) and WRITE(16) through this
 * client, or EXTENDED COPY(LID1) within the target; samples of the destination are spoilt before and
 * compared with the source after.
 *
 * <p>Prints one JSON line: the connections the session really got, completions, IOPS and MB/s, the
 * latency percentiles of the measured commands (p50, p99, p99.9, from the command's PDU being built
 * to its status being read) (or the copy's seconds and GiB/s). {@code --sequential} walks the LUN
 * in order, {@code --header-digest} asks for HeaderDigest=CRC32C. A load whose first command the target refuses with ILLEGAL REQUEST
 * (INVALID COMMAND OPERATION CODE from a target without the command) is not run: the line says
 * {@code "supported":false} and why.
 *
 * <p>Bounded: every socket read, login, command and the logout wait at most {@code --timeout}
 * seconds; a target error (Reject, any other failed command, a dropped connection) ends the run with
 * exit status 1 and the reason on stderr. Usage: {@value McsOptions#USAGE}.
 */
public final class McsLoad {
    private final McsOptions options;
    private final McsClient client;

    private McsLoad(McsOptions options) {
        this.options = options;
        this.client = new McsClient(options);
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
            String failure = load.client.session.failure();
            System.err.println("McsLoad: " + (failure != null ? failure : e.getMessage() != null ? e.getMessage()
                    : e.toString()));
            load.client.closeAll();
            System.exit(1);
        }
    }

    private String run() throws IOException, InterruptedException {
        client.open();
        McsClient.Capacity capacity = client.capacity(options.lun());
        return options.command().timed ? timed(capacity) : copy(capacity);
    }

    private String timed(McsClient.Capacity capacity) throws IOException, InterruptedException {
        int depth = options.queueDepth();
        McsSource source = switch (options.command()) {
            case READ, WRITE -> new RandomIo(options, capacity);
            case CAW -> new CompareAndWrite(options, capacity, depth);
            default -> new Deallocate(options, capacity);
        };
        client.session.source = source;
        String refusal = source.prepare(client);
        if (refusal != null) {
            return refused(refusal);
        }
        List<McsConnection> conns = client.connections();
        fill(depth);
        client.runFor(options.warmup());
        long[] before = new long[conns.size()];
        long warmupIos = 0;
        for (int i = 0; i < before.length; i++) {
            before[i] = conns.get(i).completed;
            warmupIos += before[i];
        }
        long start = System.nanoTime();
        client.session.measuring = true;
        client.runFor(options.seconds());
        client.session.measuring = false;
        client.session.stopping = true;
        long elapsed = System.nanoTime() - start;
        long total = 0;
        List<Long> per = new ArrayList<>();
        for (int i = 0; i < before.length; i++) {
            long n = conns.get(i).completed - before[i];
            per.add(n);
            total += n;
        }
        // what is still in flight finishes (not counted), then the session logs out
        client.drain();
        String logout = client.logout();
        double secs = elapsed / 1e9;
        double iops = total / secs;
        return String.format(Locale.ROOT, "%s,\"block\":%d,\"queue_depth\":%d,\"warmup_ios\":%d,\"seconds\":%.3f,"
                + "\"ios\":%d,\"per_connection\":%s,\"iops\":%.1f,\"mbps\":%.2f%s,\"logout\":\"%s\"}",
                head(true, null), options.block(), depth, warmupIos, secs, total, per, iops,
                iops * options.block() / 1e6, Latencies.json(conns.stream().map(c -> c.latencies).toList()), logout);
    }

    private String copy(McsClient.Capacity from) throws IOException, InterruptedException {
        McsClient.Capacity to = client.capacity(options.destLun());
        int depth = options.queueDepth();
        Copy copy = options.command() == LoadKind.HOST_COPY ? new HostCopy(options, from, to, depth)
                : new ExtendedCopy(options, from, to, depth);
        client.session.source = copy;
        String refusal = copy.prepare(client);
        if (refusal != null) {
            return refused(refusal);
        }
        int slots = copy instanceof ExtendedCopy x ? x.slots() : depth;
        CopyCheck check = new CopyCheck(client, copy);
        check.spoil();
        long commandsBefore = client.connections().stream().mapToLong(c -> c.completed).sum();
        long start = System.nanoTime();
        fill(slots);
        while (!copy.complete()) {
            Thread.sleep(1);
            client.check();
        }
        long elapsed = System.nanoTime() - start;
        long commands = client.connections().stream().mapToLong(c -> c.completed).sum() - commandsBefore;
        client.drain();
        int verified = check.verify();
        String logout = client.logout();
        double secs = elapsed / 1e9;
        return String.format(Locale.ROOT, "%s,\"dest_lun\":%d,\"chunk\":%d,\"queue_depth\":%d,\"bytes\":%d,"
                + "\"seconds\":%.3f,\"commands\":%d,\"gib_per_s\":%.3f,\"mbps\":%.2f,\"samples_verified\":%d,"
                + "\"logout\":\"%s\"}", head(true, null), options.destLun(), copy.chunkBlocks * copy.blockLength,
                slots, copy.bytes(), secs, commands, copy.bytes() / secs / (1L << 30), copy.bytes() / secs / 1e6,
                verified, logout);
    }

    /** Starts one command on each slot, the slots spread evenly over the connections. */
    private void fill(int slots) throws IOException {
        List<McsConnection> conns = client.connections();
        for (int i = 0; i < slots; i++) {
            conns.get(i % conns.size()).issue(i);
        }
        for (McsConnection c : conns) {
            c.flush();
        }
    }

    private String refused(String refusal) throws InterruptedException {
        System.err.println("McsLoad: not run, the target refused it: " + refusal);
        String logout = client.logout();
        return head(false, refusal) + ",\"logout\":\"" + logout + "\"}";
    }

    /** @return the JSON line's opening fields, without the closing brace */
    private String head(boolean supported, String refusal) {
        McsSession s = client.session;
        String join = client.joinError;
        return String.format(Locale.ROOT, "{\"tool\":\"McsLoad\",\"target\":\"%s\",\"lun\":%d,\"op\":\"%s\","
                + "\"supported\":%s,\"refusal\":%s,\"connections_requested\":%d,\"max_connections_answered\":\"%s\","
                + "\"connections\":%d,\"join_refused\":%s,\"tsih\":%d", options.target(), options.lun(),
                options.command().option(), supported, quoted(refusal), options.connections(),
                s.maxConnectionsAnswer, client.connections().size(), quoted(join), s.tsih);
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s.replace('"', '\'') + "\"";
    }
}
