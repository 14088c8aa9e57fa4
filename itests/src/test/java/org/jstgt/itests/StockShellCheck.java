package org.jstgt.itests;

import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.List;

import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * The command ACL of the scope iscsi on a Karaf where jstgt was installed at runtime: a viewer
 * lists, a viewer may not clear a reservation, an admin may. Loaded in the Pax Exam probe only
 * after the installation (it wires the probe to Karaf's shell, which the installation refreshes),
 * and it looks the shell's session factory up anew for the same reason.
 */
final class StockShellCheck {
    private StockShellCheck() {
    }

    /**
     * @param context the probe's bundle context
     * @param wait bound on each wait (the refreshed shell registering commands again, FileInstall
     *        delivering the ACL file)
     */
    static void assertCommandAcl(BundleContext context, Duration wait) throws Exception {
        awaitListed(context, wait, "admin", "manager", "viewer");
        awaitListed(context, wait, "viewer");
        // the iscsi commands are registered (the lists ran): a refusal now is the ACL's
        awaitDenied(context, wait, "iscsi:pr-clear disk0", "viewer");
        PaxAssembly.shell(sessions(context, wait), "iscsi:pr-clear disk0");
    }

    /** Waits until iscsi:lun-list run with {@code roles} lists disk0 as ACTIVE. */
    private static void awaitListed(BundleContext context, Duration wait, String... roles) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = PaxAssembly.shellAs(sessions(context, wait), "iscsi:lun-list --no-format", roles);
                if (last.lines().anyMatch(l -> l.startsWith("disk0\t") && l.contains("ACTIVE"))) {
                    return;
                }
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        fail("iscsi:lun-list as " + List.of(roles) + " did not list disk0 ACTIVE within " + wait + ": " + last);
    }

    /** Waits until {@code roles} may not run the command (refused, or hidden from them). */
    private static void awaitDenied(BundleContext context, Duration wait, String command, String... roles)
            throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = PaxAssembly.shellAs(sessions(context, wait), command, roles);
            } catch (Exception e) {
                if (String.valueOf(e.getMessage()).contains("Insufficient credentials")
                        || e.getClass().getSimpleName().equals("CommandNotFoundException")) {
                    return;
                }
                throw e;
            }
            Thread.sleep(200);
        }
        fail(command + " still runs for roles " + List.of(roles) + " after " + wait + "; it printed: " + last);
    }

    /** @return the shell's session factory now */
    private static SessionFactory sessions(BundleContext context, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            ServiceReference<SessionFactory> ref = context.getServiceReference(SessionFactory.class);
            SessionFactory f = ref == null ? null : context.getService(ref);
            if (f != null) {
                return f;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no SessionFactory service within " + wait);
    }
}
