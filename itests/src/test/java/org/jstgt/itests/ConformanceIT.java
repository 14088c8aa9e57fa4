package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * libiscsi's conformance suite ({@code iscsi-test-cu --dataloss}, Debian's libiscsi-bin) against
 * a disk LUN configured as the suite needs: a sparse file (thin provisioned: UNMAP, WRITE SAME
 * with UNMAP, GET LBA STATUS run) with {@code max.transfer = 32MiB} (WriteSame16.Unmap writes
 * 65536 blocks in one WRITE(16) without looking at the Block Limits page), on a target of its
 * own in the started assembly, offered on two portal groups (the second on port 3261, tag 2) so that
 * the MultipathIO tests reach the LUN through two paths. Every failing test must be listed in {@link #KNOWN_FAILURES}
 * with the reason the README's conformance table gives; a new failure fails this test, and so
 * does a listed one that starts passing (so the table stays true).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceIT {
    private static final Duration SUITE_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Test name -> why it fails (mirrors README "Conformance"); none today. iSCSIDataSnInvalid
     * passed once a Data-Out out of sequence ended only its command (Reject, then CHECK CONDITION;
     * RFC 7143 §7.3) instead of the connection.
     */
    static final Map<String, String> KNOWN_FAILURES = Map.of();

    /**
     * DVD test name -> why it fails (mirrors README "Conformance"). libiscsi's PwrCnd sends every
     * POWER CONDITION value 1h-Fh and expects GOOD; MMC-6 and SBC-4 reserve 4h, 6h, 8h, 9h and
     * Ch-Fh, and SPC-4 §4.3.2 has a reserved code value reported as an error.
     */
    static final Map<String, String> DVD_KNOWN_FAILURES = Map.of("PwrCnd",
            "reserved POWER CONDITION values get INVALID FIELD IN CDB (SPC-4 §4.3.2)");

    /** The families that apply to an MMC drive (the others need SBC: writes, READ(16), thin provisioning). */
    static final String DVD_FAMILIES = "ALL.Inquiry,ALL.TestUnitReady,ALL.StartStopUnit,ALL.Read10,ALL.Read12,"
            + "ALL.ReadCapacity10,ALL.ReportSupportedOpcodes,ALL.PreventAllow,ALL.NoMedia,ALL.Reserve6,"
            + "ALL.PrinReadKeys,ALL.PrinServiceactionRange,ALL.PrinReportCapabilities,ALL.ProutRegister,"
            + "ALL.ModeSense6,ALL.RequestSense";
    static final String DVD_IQN = "iqn.2026-12.org.jstgt:conformance-dvd";

    /**
     * The families that apply to a write-protected disk: ReadOnly (every write opcode gets DATA
     * PROTECT, WRITE PROTECTED) and the ones that only read.
     */
    static final String READ_ONLY_FAMILIES = "ALL.ReadOnly,ALL.Read6,ALL.Read10,ALL.Read12,ALL.Read16,"
            + "ALL.ReadCapacity10,ALL.ReadCapacity16,ALL.Verify10,ALL.Verify12,ALL.Verify16,ALL.GetLBAStatus,"
            + "ALL.Prefetch10,ALL.Prefetch16,ALL.Inquiry,ALL.ModeSense6,ALL.ReportSupportedOpcodes,"
            + "ALL.TestUnitReady";
    static final String READ_ONLY_IQN = "iqn.2026-12.org.jstgt:conformance-ro";
    private byte[] readOnlyImage;

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("conformance", "iscsi-test-cu");

    static final String IQN = "iqn.2026-11.org.jstgt:conformance";
    static final int SECOND_PORT = 3261;
    static final String INITIATOR_1 = "iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test";
    static final String INITIATOR_2 = "iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-test-2";

    @BeforeAll
    void configure() throws Exception {
        KarafInstance karaf = ASSEMBLY.karaf();
        karaf.writeEtc("jstgt.lun-conformance.cfg", "# written by ConformanceIT\ndevice.type = disk\n"
                + "store.type = file\nstore.path = ${karaf.data}/luns/conformance.img\nsize = 1GiB\n"
                + "max.transfer = 32MiB\n");
        // a second portal group (tag 2, port 3261): the MultipathIO tests reach the LUN through both
        karaf.writeEtc("jstgt.portal-conformance2.cfg", "# written by ConformanceIT\nlisten = 127.0.0.1:"
                + SECOND_PORT + "\ntag = 2\n");
        karaf.writeEtc("jstgt.target-conformance.cfg", "# written by ConformanceIT\niqn = " + IQN
                + "\nportals = default, conformance2\nlun.0 = conformance\n"
                // Reserve6.TargetWarmReset / TargetColdReset: the suite's initiator may reset the target
                + "tmf.target.reset = true\n");
        // a DVD drive with an 8 MiB image (CD-ROM profile) on a target of its own
        java.nio.file.Path iso = karaf.home().resolve("data/conformance.iso");
        byte[] image = new byte[8 << 20];
        new java.util.Random(15).nextBytes(image);
        java.nio.file.Files.write(iso, image);
        karaf.writeEtc("jstgt.lun-conformancedvd.cfg", "# written by ConformanceIT\ndevice.type = dvd\nmedium = "
                + iso.toAbsolutePath() + "\n");
        karaf.writeEtc("jstgt.target-conformancedvd.cfg", "# written by ConformanceIT\niqn = " + DVD_IQN
                + "\nportals = default\nlun.0 = conformancedvd\ntmf.target.reset = true\n");
        // a read-only disk on a 16 MiB file of random bytes, on a target of its own
        readOnlyImage = new byte[16 << 20];
        new java.util.Random(16).nextBytes(readOnlyImage);
        java.nio.file.Files.write(karaf.home().resolve("data/conformance-ro.img"), readOnlyImage);
        karaf.writeEtc("jstgt.lun-conformancero.cfg", "# written by ConformanceIT\ndevice.type = disk\n"
                + "store.type = file\nstore.path = ${karaf.data}/conformance-ro.img\nsize = 16MiB\n"
                + "read.only = true\n");
        karaf.writeEtc("jstgt.target-conformancero.cfg", "# written by ConformanceIT\niqn = " + READ_ONLY_IQN
                + "\nportals = default\nlun.0 = conformancero\n");
        Await.every(Duration.ofSeconds(60), Duration.ofSeconds(1), "the conformance target in iscsi-ls",
                () -> Processes.run(Duration.ofSeconds(30), "iscsi-ls", "-s", "iscsi://127.0.0.1:3260"),
                r -> r.exitCode() == 0 && r.output().contains(IQN));
        Await.every(Duration.ofSeconds(60), Duration.ofSeconds(1), "the second portal group in iscsi-ls",
                () -> Processes.run(Duration.ofSeconds(30), "iscsi-ls", "-s", "iscsi://127.0.0.1:" + SECOND_PORT),
                r -> r.exitCode() == 0 && r.output().contains(IQN));
    }

    @Test
    void iscsiTestCuPassesExceptTheDocumentedFailures() throws Exception {
        // two initiator names (the suite's defaults, spelled out) for the reservation tests, and two
        // paths to the same LUN, one per portal group, for the MultipathIO tests
        Run r = suite("", 500, "-i", INITIATOR_1, "-I", INITIATOR_2,
                "iscsi://127.0.0.1:3260/" + IQN + "/0", "iscsi://127.0.0.1:" + SECOND_PORT + "/" + IQN + "/0");
        Set<String> unexpected = new TreeSet<>(r.failures());
        unexpected.removeAll(KNOWN_FAILURES.keySet());
        Set<String> fixed = new TreeSet<>(KNOWN_FAILURES.keySet());
        fixed.removeAll(r.failures());
        if (!unexpected.isEmpty() || !fixed.isEmpty()) {
            fail("iscsi-test-cu: unexpected failures " + unexpected + "; listed as failing but passed " + fixed
                    + " (update ConformanceIT.KNOWN_FAILURES and the README conformance table)\n"
                    + tail(r.output()) + "\n--- what the unexpected failures printed:\n"
                    + sections(r.output(), unexpected));
        }
    }

    /**
     * The removable-medium and SPC families of libiscsi's suite on a DVD drive (MMC-6): INQUIRY,
     * TEST UNIT READY, START STOP UNIT (eject and load, with IMMED), PREVENT ALLOW MEDIUM REMOVAL,
     * READ(10/12) and READ CAPACITY(10) of 2048-byte blocks, MODE SENSE(6), REQUEST SENSE,
     * RESERVE/RELEASE(6) and persistent reservations without writes.
     */
    @Test
    void theDvdPassesTheFamiliesThatApplyToIt() throws Exception {
        awaitTarget(DVD_IQN);
        Run r = suite(" on the DVD", 40, "-t", DVD_FAMILIES, "iscsi://127.0.0.1:3260/" + DVD_IQN + "/0");
        Set<String> unexpected = new TreeSet<>(r.failures());
        unexpected.removeAll(DVD_KNOWN_FAILURES.keySet());
        assertEquals(DVD_KNOWN_FAILURES.keySet(), r.failures(), "failures on the DVD (update DVD_KNOWN_FAILURES and "
                + "the README conformance table)\n" + tail(r.output()) + "\n--- what the unexpected failures "
                + "printed:\n" + sections(r.output(), unexpected));
    }

    /**
     * A {@code read.only = true} disk through libiscsi: ReadOnly's write commands (WRITE(10/12/16),
     * WRITE AND VERIFY, WRITE SAME with and without UNMAP, ORWRITE, COMPARE AND WRITE) all get DATA
     * PROTECT, WRITE PROTECTED, the reading families pass, and the file holds the bytes it had.
     */
    @Test
    void aReadOnlyDiskRefusesEveryWriteAndKeepsItsBytes() throws Exception {
        awaitTarget(READ_ONLY_IQN);
        Run r = suite(" on the read-only disk", 60, "-t", READ_ONLY_FAMILIES,
                "iscsi://127.0.0.1:3260/" + READ_ONLY_IQN + "/0");
        assertTrue(r.output().contains("Test: ReadOnlySBC ...") && !r.output().contains("not write-protected"),
                "ReadOnlySBC did not run as on a write-protected unit:\n"
                        + sections(r.output(), Set.of("ReadOnlySBC")));
        assertEquals(Set.of(), r.failures(), "failures on the read-only disk\n" + tail(r.output())
                + "\n--- what they printed:\n" + sections(r.output(), r.failures()));
        byte[] after = java.nio.file.Files.readAllBytes(
                ASSEMBLY.karaf().home().resolve("data/conformance-ro.img"));
        assertTrue(java.util.Arrays.equals(readOnlyImage, after), "the read-only LUN's file changed");
    }

    /** What one run of the suite printed, and the tests that failed in it. */
    record Run(String output, Set<String> failures) {
    }

    private static void awaitTarget(String iqn) throws Exception {
        Await.every(Duration.ofSeconds(60), Duration.ofSeconds(1), iqn + " in iscsi-ls",
                () -> Processes.run(Duration.ofSeconds(30), "iscsi-ls", "-s", "iscsi://127.0.0.1:3260"),
                r -> r.exitCode() == 0 && r.output().contains(iqn));
    }

    /**
     * Runs {@code iscsi-test-cu --dataloss} with {@code args}, prints its count and fails unless
     * its CUnit summary says more than {@code atLeast} tests ran.
     */
    private static Run suite(String where, int atLeast, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("iscsi-test-cu", "--dataloss"));
        command.addAll(List.of(args));
        Processes.Result r = Processes.run(SUITE_TIMEOUT, command.toArray(String[]::new));
        Matcher summary = Pattern.compile("tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(r.output());
        if (!summary.find()) {
            fail("no CUnit run summary in the output of iscsi-test-cu" + where + ":\n" + tail(r.output()));
        }
        int ran = Integer.parseInt(summary.group(2));
        int passed = Integer.parseInt(summary.group(3));
        Set<String> failures = failedTests(r.output());
        System.out.printf("iscsi-test-cu%s: %d ran, %d passed, %d failed %s%n", where, ran, passed, ran - passed,
                failures);
        assertTrue(ran > atLeast, "iscsi-test-cu ran only " + ran + " tests" + where + ":\n" + tail(r.output()));
        return new Run(r.output(), failures);
    }

    /**
     * CUnit's basic output: {@code "  Test: <name> ..."} opens a test; its verdict is a later
     * {@code passed}/{@code FAILED} at a line end (log lines of the test may come in between).
     */
    static Set<String> failedTests(String output) {
        Pattern test = Pattern.compile("^\\s*Test: (\\S+) \\.\\.\\.");
        Set<String> failed = new TreeSet<>();
        String current = null;
        for (String line : output.split("\n")) {
            Matcher m = test.matcher(line);
            if (m.find()) {
                current = m.group(1);
            }
            String t = line.strip();
            if (current != null && (t.equals("FAILED") || t.endsWith("...FAILED"))) {
                failed.add(current);
                current = null;
            } else if (current != null && (t.endsWith("passed") || t.contains("...passed"))) {
                current = null;
            }
        }
        return failed;
    }

    /**
     * The lines of the named tests, from {@code "Test: <name> ..."} to the next test or suite, at
     * most 40 each and 200 in all (CI shows the end of the failure message; the suite's own tail
     * rarely holds them). A name several suites use (Simple) brings each of them.
     */
    static String sections(String output, Set<String> tests) {
        Pattern start = Pattern.compile("^\\s*(Test|Suite): (\\S+)");
        StringBuilder b = new StringBuilder();
        int kept = -1;
        int total = 0;
        for (String line : output.split("\n")) {
            if (total == 200) {
                b.append("...\n");
                break;
            }
            Matcher m = start.matcher(line);
            if (m.find()) {
                kept = m.group(1).equals("Test") && tests.contains(m.group(2)) ? 0 : -1;
            }
            if (kept >= 0 && kept < 40) {
                b.append(line).append('\n');
                kept++;
                total++;
            }
        }
        return b.toString();
    }

    private static String tail(String output) {
        List<String> lines = new ArrayList<>(List.of(output.split("\n")));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
