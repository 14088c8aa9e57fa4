package org.jstgt.iscsi;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.util.List;

import org.jstgt.testkit.FakeScsiTarget;
import org.junit.jupiter.api.Test;

/**
 * Serves a fake disk for real initiators (libiscsi tools) when run with
 * {@code -Djstgt.manual.port=3260 -Djstgt.manual.seconds=60}; skipped otherwise.
 */
class ManualTargetRunner {
    @Test
    void serve() throws Exception {
        String port = System.getProperty("jstgt.manual.port");
        assumeTrue(port != null, "manual run only");
        FakeScsiTarget disk = new FakeScsiTarget(Wire.TARGET);
        disk.blocks(2048);
        disk.alias("fake disk");
        IscsiServer server = new IscsiServer(FakeScsiTarget.registry(disk));
        server.open("lo", "manual", 1, List.of("127.0.0.1:" + port),
                List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(port))));
        Thread.sleep(Long.getLong("jstgt.manual.seconds", 60) * 1000);
        server.deactivate();
    }
}
