package org.jstgt.itests;

import java.time.Duration;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * After the last test of the run, stops every process this test JVM started and left behind (a
 * Karaf that Pax Exam gave up waiting for, a tool that outlived its test): SIGTERM, a bounded wait,
 * then SIGKILL. Only descendants of this JVM are touched, so a Karaf left running never blocks port
 * 3260 for the next build.
 */
public final class ReapChildProcesses implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        ProcessHandle.current().children().forEach(child -> {
            System.err.println("ReapChildProcesses: stopping leftover PID " + child.pid() + " "
                    + child.info().command().orElse("?"));
            Processes.kill(child, Duration.ofSeconds(20));
        });
    }
}
