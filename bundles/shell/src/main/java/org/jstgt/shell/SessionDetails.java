package org.jstgt.shell;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.support.table.ShellTable;
import org.jstgt.api.mgmt.ConnectionInfo;
import org.jstgt.api.mgmt.SessionDetail;
import org.jstgt.api.mgmt.SessionInfo;

/**
 * What {@code iscsi:session-info <tsih>} prints: who and where, the command window, error
 * recovery level and I/O counters, then its connections (addresses, state, digests, data segment
 * lengths both ways, StatSN) and the negotiated keys.
 */
final class SessionDetails {
    private SessionDetails() {
    }

    /**
     * @param out the console
     * @param d the session
     * @param errors failing views
     * @param format borders (false for {@code --no-format})
     */
    static void print(PrintStream out, SessionDetail d, List<String> errors, boolean format) {
        SessionInfo s = d.session();
        out.println("Session " + Facts.tsih(s.tsih()) + " (" + s.type() + ")");
        facts(d).table().print(out, format);
        out.println();
        out.println("Connections:");
        connections(d.connections()).print(out, format);
        out.println();
        out.println("Negotiated:");
        negotiated(s.negotiated()).print(out, format);
        Tables.printErrors(out, errors);
    }

    static Facts facts(SessionDetail d) {
        SessionInfo s = d.session();
        long window = d.maxCmdSn() - d.expCmdSn() + 1;
        return new Facts().add("Initiator", s.initiatorName())
                .add("ISID", s.isid())
                .add("Target", s.targetName().isEmpty() ? "- (discovery)" : s.targetName())
                .add("Portal group tag", s.portalTag())
                .add("Authenticated", s.authentication().isEmpty() ? "no authentication" : s.authentication())
                .add("Command window", "ExpCmdSN " + d.expCmdSn() + ", MaxCmdSN " + d.maxCmdSn() + " ("
                        + Math.max(0, (window + (1L << 32)) % (1L << 32)) + " open)")
                .add("In flight", s.commandsInFlight())
                .add("ErrorRecoveryLevel", d.errorRecoveryLevel())
                .add("I/O", Facts.io(d.stats()))
                .add("Read latency", Facts.latency(d.stats().readLatency()))
                .add("Write latency", Facts.latency(d.stats().writeLatency()));
    }

    static ShellTable connections(List<ConnectionInfo> connections) {
        ShellTable t = new ShellTable().emptyTableText("no connections");
        t.column("CID").alignRight();
        t.column("Local");
        t.column("Remote");
        t.column("State");
        t.column("HeaderDigest");
        t.column("DataDigest");
        t.column("MaxRecvDSL").alignRight();
        t.column("MaxSendDSL").alignRight();
        t.column("StatSN").alignRight();
        for (ConnectionInfo c : connections) {
            t.addRow().addContent(c.cid(), c.local(), c.remote(), c.state(), c.headerDigest(), c.dataDigest(),
                    c.maxRecvDataSegmentLength(), c.maxSendDataSegmentLength(), c.statSn());
        }
        return t;
    }

    static ShellTable negotiated(List<String> keys) {
        ShellTable t = new ShellTable().emptyTableText("nothing negotiated");
        t.column("Key");
        t.column("Value");
        for (String kv : keys) {
            int eq = kv.indexOf('=');
            t.addRow().addContent(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        return t;
    }
}
