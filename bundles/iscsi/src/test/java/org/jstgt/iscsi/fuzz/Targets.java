package org.jstgt.iscsi.fuzz;

import java.net.InetSocketAddress;
import java.util.List;

import org.jstgt.iscsi.connection.Fabric;
import org.jstgt.iscsi.text.PortalEndpoint;
import org.jstgt.testkit.FakeScsiTarget;

/** The fabric the fuzzed connections log in to: one memory-backed LU behind portal "main". */
final class Targets {
    private Targets() {
    }

    static Fabric fabric(FakeScsiTarget... targets) {
        return new Fabric(() -> FakeScsiTarget.registry(targets), () -> List.of(
                new PortalEndpoint("main", 1, List.of(new InetSocketAddress("127.0.0.1", 3260)))));
    }
}
