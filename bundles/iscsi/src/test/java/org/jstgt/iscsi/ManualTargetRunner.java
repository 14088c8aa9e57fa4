package org.jstgt.iscsi;

import java.net.InetSocketAddress;
import java.util.List;

import org.jstgt.testkit.FakeScsiTarget;

/**
 * A manual tool, not a test: serves a {@link FakeScsiTarget} disk (1 MiB, target
 * {@value Wire#TARGET}) on 127.0.0.1 for real initiators (libiscsi tools) to try the iSCSI layer
 * without the SCSI core. Run it from the IDE, or after {@code mvn -pl bundles/iscsi test-compile}
 * with {@code java -cp bundles/iscsi/target/test-classes:bundles/iscsi/target/classes:<test
 * classpath> org.jstgt.iscsi.ManualTargetRunner [port [seconds]]} (defaults 3260 and 60).
 */
final class ManualTargetRunner {
    private ManualTargetRunner() {
    }

    /**
     * @param args optional port (default 3260) and how many seconds to serve (default 60)
     * @throws Exception when the portal cannot be opened
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3260;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET).blocks(2048).alias("fake disk");
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry(disk));
        server.open("lo", "manual", 1, List.of("127.0.0.1:" + port),
                List.of(new InetSocketAddress("127.0.0.1", port)));
        System.out.println("serving " + Wire.TARGET + " on 127.0.0.1:" + port + " for " + seconds + " s");
        try {
            Thread.sleep(seconds * 1000);
        } finally {
            server.deactivate();
        }
    }
}
