package org.jstgt.shell;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jstgt.api.mgmt.IoStats;

/**
 * The loop of {@code iscsi:stats}: a snapshot, then after each interval another one and the table
 * of the interval between them ({@link StatsTable}), a given number of times or until the thread
 * is interrupted (Ctrl-C in the Karaf shell interrupts the command's thread). With {@code clear}
 * each table replaces the previous one on the screen, as {@code top} does.
 */
final class StatsWatch {
    /** ANSI: cursor home, erase the screen. */
    static final String CLEAR = "\033[H\033[2J";

    /** What the rows are. */
    enum Scope {
        LUN("LUN", "LUNs", "no LUNs configured (etc/jstgt.lun-<name>.cfg)"),
        TARGET("Target", "targets", "no targets configured (etc/jstgt.target-<name>.cfg)"),
        SESSION("TSIH", "sessions", "no sessions");

        final String column;
        final String plural;
        final String empty;

        Scope(String column, String plural, String empty) {
            this.column = column;
            this.plural = plural;
            this.empty = empty;
        }
    }

    /**
     * Counters read at one time.
     *
     * @param nanos {@link System#nanoTime()} when read
     * @param stats the counters by row name
     * @param errors views that failed to answer
     */
    record Sample(long nanos, Map<String, IoStats> stats, List<String> errors) {
    }

    /** Reads the counters now. */
    @FunctionalInterface
    interface Source {
        Sample sample();
    }

    /** Waits between samples. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Source source;
    private final Sleeper sleeper;
    private final PrintStream out;
    private final boolean format;

    /**
     * @param source reads the counters
     * @param sleeper waits ({@link Thread#sleep(long)} in the shell)
     * @param out the console
     * @param format table borders (false for {@code --no-format})
     */
    StatsWatch(Source source, Sleeper sleeper, PrintStream out, boolean format) {
        this.source = source;
        this.sleeper = sleeper;
        this.out = out;
        this.format = format;
    }

    /**
     * @param scope what the rows are
     * @param intervalMillis the time between two samples
     * @param count how many tables to print; 0 for no limit (until interrupted)
     * @param clear clear the screen before each table
     * @param only the row names to show; empty for all
     * @return the number of tables printed
     */
    int run(Scope scope, long intervalMillis, int count, boolean clear, Collection<String> only) {
        Sample previous = source.sample();
        int printed = 0;
        while (count == 0 || printed < count) {
            try {
                sleeper.sleep(intervalMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            Sample next = source.sample();
            double seconds = Math.max(1, next.nanos() - previous.nanos()) / 1e9;
            if (clear) {
                out.print(CLEAR);
            }
            out.println(String.format(Locale.ROOT, "%s, %.2f s interval%s", scope.plural, seconds,
                    clear ? " (Ctrl-C to stop)" : ""));
            Tables.print(out, StatsTable.table(scope.column, StatsTable.rows(previous.stats(), next.stats(), seconds,
                    only), scope.empty), next.errors(), format);
            out.flush();
            printed++;
            previous = next;
        }
        return printed;
    }
}
