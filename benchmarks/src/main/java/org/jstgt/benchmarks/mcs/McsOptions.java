package org.jstgt.benchmarks.mcs;

import java.util.Locale;

/**
 * The command line of {@link McsLoad}.
 *
 * @param host portal address
 * @param port portal port
 * @param target the target's iSCSI name
 * @param lun the LUN to load
 * @param connections connections wanted in the session (the MaxConnections offer)
 * @param queueDepth commands kept in flight over all connections
 * @param block bytes per command
 * @param warmup seconds of load before the measured time (the JIT compiles the client's hot paths)
 * @param seconds measured run time
 * @param command what the load sends ({@code --write} is {@code --command write})
 * @param destLun the destination LUN of a copy, or -1
 * @param bytes the bytes a copy moves, or 0 for all of {@code lun}
 * @param initiator our iSCSI name
 * @param timeoutSeconds the longest wait for any answer (login, a command, logout)
 * @param sequential READs and WRITEs walk the LUN in order instead of at random
 * @param headerDigest offer HeaderDigest=CRC32C (and require it), instead of None
 */
record McsOptions(String host, int port, String target, int lun, int connections, int queueDepth, int block,
        double warmup, double seconds, LoadKind command, int destLun, long bytes, String initiator,
        double timeoutSeconds, boolean sequential, boolean headerDigest) {

    static final String USAGE = "usage: McsLoad --portal HOST:PORT --target IQN [--lun N] [--connections N]"
            + " [--queue-depth N] [--block BYTES] [--seconds S] [--warmup S] [--write] [--command "
            + LoadKind.names() + "] [--dest-lun N] [--bytes N] [--initiator IQN] [--timeout S] [--sequential]"
            + " [--header-digest]";

    /** @return true for WRITE(10)s */
    boolean write() {
        return command == LoadKind.WRITE;
    }

    /**
     * @param args the command line
     * @return the options
     * @throws IllegalArgumentException on an unknown, missing or malformed option
     */
    static McsOptions parse(String[] args) {
        String portal = null;
        String target = null;
        int lun = 0;
        int connections = 2;
        int queueDepth = 32;
        int block = 4096;
        double seconds = 5;
        double warmup = 0;
        LoadKind command = LoadKind.READ;
        int destLun = -1;
        long bytes = 0;
        String initiator = "iqn.2026-11.org.jstgt.bench:mcs";
        double timeout = 10;
        boolean sequential = false;
        boolean headerDigest = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--write")) {
                command = LoadKind.WRITE;
                continue;
            }
            if (a.equals("--sequential")) {
                sequential = true;
                continue;
            }
            if (a.equals("--header-digest")) {
                headerDigest = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + (a.startsWith("--") ? " needs a value" : ": not an option"));
            }
            String v = args[++i];
            switch (a) {
                case "--portal" -> portal = v;
                case "--target" -> target = v;
                case "--lun" -> lun = number(a, v, 0, 16383);
                case "--connections" -> connections = number(a, v, 1, 64);
                case "--queue-depth" -> queueDepth = number(a, v, 1, 4096);
                case "--block" -> block = number(a, v, 512, 1 << 26);
                case "--command" -> command = LoadKind.parse(v);
                case "--dest-lun" -> destLun = number(a, v, 0, 16383);
                case "--bytes" -> bytes = (long) bounded(a, v, 0, 1L << 50);
                case "--seconds" -> seconds = decimal(a, v, 0.1, 3600);
                case "--warmup" -> warmup = decimal(a, v, 0, 600);
                case "--initiator" -> initiator = v;
                case "--timeout" -> timeout = decimal(a, v, 0.5, 600);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (portal == null || target == null) {
            throw new IllegalArgumentException("--portal and --target are required");
        }
        if (!command.timed && (destLun < 0 || destLun == lun)) {
            throw new IllegalArgumentException("--command " + command.option()
                    + " needs a --dest-lun other than --lun");
        }
        int colon = portal.lastIndexOf(':');
        String host = colon < 0 ? portal : portal.substring(0, colon);
        int port = colon < 0 ? 3260 : number("--portal port", portal.substring(colon + 1), 1, 65535);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new McsOptions(host, port, target, lun, connections, queueDepth, block, warmup, seconds, command,
                destLun, bytes, initiator, timeout, sequential, headerDigest);
    }

    long timeoutNanos() {
        return (long) (timeoutSeconds * 1e9);
    }

    private static int number(String name, String v, int min, int max) {
        double d = bounded(name, v, min, max);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException(name + ": " + v + " is not a whole number");
        }
        return (int) d;
    }

    private static double decimal(String name, String v, double min, double max) {
        return bounded(name, v, min, max);
    }

    private static double bounded(String name, String v, double min, double max) {
        try {
            double d = Double.parseDouble(v.trim());
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %s is not a number in %s..%s", name, v,
                (long) min == min ? Long.toString((long) min) : Double.toString(min),
                (long) max == max ? Long.toString((long) max) : Double.toString(max)));
    }
}
