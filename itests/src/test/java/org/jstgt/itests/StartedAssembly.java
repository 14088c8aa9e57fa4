package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One started assembly for a test class ({@code @RegisterExtension static final}): checks the
 * external tools the class needs (missing: skip, or fail under {@code JSTGT_REQUIRE_INITIATORS=1}),
 * unpacks and starts {@code bin/karaf server} before the first test, prints the instance's
 * diagnostics when a test fails, and stops it after the last one. The instance directory is kept
 * for diagnosis when the start or any test failed, deleted otherwise.
 */
final class StartedAssembly implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final String label;
    private final List<String> tools;
    private String javaOptions = "";
    private KarafInstance karaf;
    private volatile boolean failed;

    /**
     * @param label part of the instance directory name
     * @param tools programs that must be on PATH
     */
    StartedAssembly(String label, String... tools) {
        this.label = label;
        this.tools = List.of(tools);
    }

    /**
     * @param options JVM options for the instance (EXTRA_JAVA_OPTS), e.g. a smaller memory limit
     * @return this
     */
    StartedAssembly withJavaOptions(String options) {
        this.javaOptions = options;
        return this;
    }

    /** @return the running instance */
    KarafInstance karaf() {
        return karaf;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        List<String> missing = tools.stream().filter(t -> !Processes.onPath(t)).toList();
        if (!missing.isEmpty()) {
            String msg = context.getDisplayName() + " needs " + missing + " on PATH (./jstgt test installs"
                    + " what the tests need: libiscsi-bin qemu-utils qemu-block-extra qemu-system-x86 ...)";
            if ("1".equals(System.getenv("JSTGT_REQUIRE_INITIATORS"))) {
                fail(msg + "; JSTGT_REQUIRE_INITIATORS=1 makes their absence a failure");
            }
            Assumptions.abort(msg + "; skipped (set JSTGT_REQUIRE_INITIATORS=1 to fail instead)");
        }
        karaf = KarafInstance.unpack(label);
        karaf.javaOptions(javaOptions);
        failed = true; // until started: a failed start keeps the directory
        karaf.start();
        failed = false;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
        if (karaf != null) {
            System.out.println("=== " + context.getDisplayName() + " failed; karaf diagnostics:\n"
                    + karaf.diagnostics());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (karaf != null) {
            karaf.stop();
            if (!failed) {
                karaf.delete();
            }
        }
    }
}
