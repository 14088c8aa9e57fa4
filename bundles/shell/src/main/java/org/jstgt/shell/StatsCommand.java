package org.jstgt.shell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.jstgt.api.mgmt.IoStats;
import org.jstgt.api.mgmt.ManagementView;
import org.osgi.framework.BundleContext;

/** {@code iscsi:stats}. */
@Service
@Command(scope = "iscsi", name = "stats", description = "Shows I/O statistics per LUN (default), target or session: "
        + "IOPS and MB/s read and written, latency percentiles, errors by sense key, busy answers and queue depth "
        + "in use, over an interval; --watch refreshes like top.", detailedDescription = "classpath:help/stats.txt")
public final class StatsCommand implements Action {
    /** The longest interval accepted, in seconds. */
    static final double MAX_INTERVAL = 3600;

    @Option(name = "--lun", description = "One row per LUN (the default)")
    boolean luns;

    @Option(name = "--target", description = "One row per target: the commands through the target, to any LUN")
    boolean targets;

    @Option(name = "--session", description = "One row per iSCSI session, by TSIH (as iscsi:session-list shows it)")
    boolean sessions;

    @Option(name = "--watch", description = "Refresh the table after every interval, clearing the screen, until "
            + "Ctrl-C (or --count tables)")
    boolean watch;

    @Option(name = "--interval", description = "Seconds between two snapshots (default 1; fractions allowed, up to 3600)")
    String interval;

    @Option(name = "--count", description = "Number of tables to print (default 1, with --watch no limit)")
    String count;

    @Option(name = "--no-format", description = "Print plain columns without borders (for scripts)")
    boolean noFormat;

    @Argument(index = 0, name = "name", multiValued = true, description = "Only these LUNs, targets or sessions "
            + "(TSIH as 0x0001 or 1); default all")
    @Completion(StatsNameCompleter.class)
    List<String> names;

    @Reference
    BundleContext bundleContext;

    @Reference
    Session session;

    @Override
    public Object execute() {
        StatsWatch.Scope scope = scope(luns, targets, sessions);
        long millis = intervalMillis(interval);
        int n = count(count, watch);
        Set<String> only = names(scope, names);
        StatsWatch.Sample first = sample(bundleContext, scope);
        for (String name : only) {
            if (!first.stats().containsKey(name)) {
                throw new IllegalArgumentException(unknown(scope, name));
            }
        }
        // a session without an ANSI terminal (a script, bin/client -b) gets the tables one after the other
        boolean ansi = session.getTerminal() != null && session.getTerminal().isAnsiSupported();
        new StatsWatch(() -> sample(bundleContext, scope), Thread::sleep, session.getConsole(), !noFormat)
                .run(scope, millis, n, watch && ansi, only);
        return null;
    }

    /** @return what the console says for a name the views do not know */
    static String unknown(StatsWatch.Scope scope, String name) {
        return switch (scope) {
            case LUN -> "no LUN named '" + name + "' (etc/jstgt.lun-<name>.cfg)";
            case TARGET -> "no target named '" + name + "' (etc/jstgt.target-<name>.cfg)";
            case SESSION -> "no session with TSIH " + name + " (see iscsi:session-list)";
        };
    }

    /** @return the one scope asked for, LUN when none */
    static StatsWatch.Scope scope(boolean lun, boolean target, boolean session) {
        int asked = (lun ? 1 : 0) + (target ? 1 : 0) + (session ? 1 : 0);
        if (asked > 1) {
            throw new IllegalArgumentException("choose one of --lun, --target and --session");
        }
        return target ? StatsWatch.Scope.TARGET : session ? StatsWatch.Scope.SESSION : StatsWatch.Scope.LUN;
    }

    /** @return {@code --interval} in milliseconds (default 1 s) */
    static long intervalMillis(String value) {
        if (value == null) {
            return 1000;
        }
        double s;
        try {
            s = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            s = Double.NaN;
        }
        if (!(s >= 0.001 && s <= MAX_INTERVAL)) {
            throw new IllegalArgumentException("--interval: '" + value + "' is not a number of seconds from 0.001 to "
                    + (int) MAX_INTERVAL);
        }
        return Math.round(s * 1000);
    }

    /** @return {@code --count} (default 1, or 0 = no limit with --watch) */
    static int count(String value, boolean watch) {
        if (value == null) {
            return watch ? 0 : 1;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--count: '" + value + "' is not a number of tables of 1 or more");
    }

    /** @return the row names asked for, sessions' TSIHs as the table writes them */
    static Set<String> names(StatsWatch.Scope scope, List<String> given) {
        Set<String> out = new LinkedHashSet<>();
        if (given == null) {
            return out;
        }
        for (String g : given) {
            if (scope != StatsWatch.Scope.SESSION) {
                out.add(g);
                continue;
            }
            try {
                int tsih = Integer.decode(g.trim());
                if (tsih < 0 || tsih > 0xFFFF) {
                    throw new NumberFormatException();
                }
                out.add(tsih(tsih));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + g + "' is not a TSIH (0x0001 or 1, as iscsi:session-list shows)");
            }
        }
        return out;
    }

    static String tsih(int tsih) {
        return String.format("0x%04x", tsih);
    }

    /** @return every view's counters of the scope now, merged by row name */
    static StatsWatch.Sample sample(BundleContext context, StatsWatch.Scope scope) {
        return collect(Views.fromServices(context, reader(scope)));
    }

    /** @return what one view reports for the scope, sessions named by TSIH as the table writes them */
    static Function<ManagementView, List<Map.Entry<String, IoStats>>> reader(StatsWatch.Scope scope) {
        return switch (scope) {
            case LUN -> v -> List.copyOf(v.lunStats().entrySet());
            case TARGET -> v -> List.copyOf(v.targetStats().entrySet());
            case SESSION -> v -> {
                List<Map.Entry<String, IoStats>> l = new ArrayList<>();
                v.sessionStats().forEach((t, s) -> l.add(Map.entry(tsih(t), s)));
                return l;
            };
        };
    }

    /** @return the views' rows, timed now; rows of the same name from several views are added */
    static StatsWatch.Sample collect(Views.Listing<Map.Entry<String, IoStats>> l) {
        long now = System.nanoTime();
        Map<String, IoStats> stats = new TreeMap<>();
        l.items().forEach(e -> stats.merge(e.getKey(), e.getValue(), IoStats::plus));
        return new StatsWatch.Sample(now, stats, l.errors());
    }
}
