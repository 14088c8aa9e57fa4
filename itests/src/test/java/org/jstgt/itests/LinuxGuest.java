package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.Assumptions;

/**
 * A Linux guest for the kernel initiator tests: Debian's kernel booted in QEMU (TCG, user-mode
 * network: the host is 10.0.2.2) from an initramfs built here of busybox, open-iscsi's
 * iscsistart, iscsid and iscsiadm, multipath-tools' multipath, multipathd and mpathpersist (each
 * program with the libraries it needs, from the packages if there, else from this machine), this
 * machine's sg3_utils and mtx, the kernel modules the modes need,
 * {@code src/test/resources/linux/init.sh} as /init and the mode scripts beside it under /modes. A
 * boot runs one mode (the kernel command line's MODE) and returns what the guest printed on its
 * serial console. The Debian packages come from
 * {@code ${XDG_CACHE_HOME:-~/.cache}/jstgt/linux-initiator}, where {@code ./jstgt test} downloads
 * them ({@code apt-get download}); nothing is installed on this machine.
 */
final class LinuxGuest {
    /** The packages of the guest, by file name prefix. */
    private static final List<String> PACKAGES = List.of("linux-image-", "busybox-static_", "open-iscsi_",
            "libopeniscsiusr_", "libisns0_", "multipath-tools_", "libdevmapper1.02.1_", "liburcu8_", "libaio1_");
    /** The scripts of src/test/resources/linux/modes, one per MODE. */
    private static final List<String> MODES = List.of("disk", "removable", "attention", "changer", "iscsid",
            "paths", "recovery", "big", "update", "multipath", "mpathpersist");
    /** Modules the init loads, with what they depend on found in the kernel package. */
    private static final List<String> MODULES = List.of("iscsi_tcp", "sd_mod", "sg", "e1000", "crc32c_generic",
            "crct10dif_generic", "crc64_rocksoft_generic", "ext4", "sr_mod", "isofs", "st", "ch", "scsi_dh_alua",
            "dm_multipath", "dm_service_time");
    private static final List<String> SG_TOOLS = List.of("sg_inq", "sg_vpd", "sg_readcap", "sg_persist", "sg_sync",
            "sg_prevent", "sg_start", "sg_turs", "sg_reset");
    /** Host tools that may live in an sbin directory outside a user's PATH. */
    private static final List<String> SBIN_TOOLS = List.of("mtx");
    /** One boot under emulation (TCG) takes 15 to 40 s on the 2-core build machine. */
    private static final Duration BOOT = Duration.ofSeconds(300);
    private static final Duration TOOL = Duration.ofSeconds(120);
    /** Kernel messages no boot may show: errors, timeouts, resets of a command, misaligned completions. */
    private static final Pattern BAD_KERNEL_LINE = Pattern.compile(
            "(?i)sense key|timing out|i/o error|rejecting i/o|unaligned|conn error|abort|hardware error|medium error");

    private final Path work;
    private final Path kernel;
    private final Path initramfs;

    private LinuxGuest(Path work, Path kernel, Path initramfs) {
        this.work = work;
        this.kernel = kernel;
        this.initramfs = initramfs;
    }

    /**
     * Unpacks the packages into {@code work} and builds the initramfs there; aborts the calling
     * tests (fails them with JSTGT_REQUIRE_INITIATORS=1) when a package is missing.
     *
     * @param work a directory of the test's own
     * @return the guest
     */
    static LinuxGuest build(Path work) throws Exception {
        work = work.toAbsolutePath();
        Path debs = debDirectory();
        Map<String, Path> packages = new HashMap<>();
        for (String name : PACKAGES) {
            Optional<Path> deb = newest(debs, name);
            if (deb.isEmpty()) {
                unavailable("LinuxInitiatorIT needs " + name + "*.deb in " + debs
                        + " (./jstgt test downloads them with apt-get download)");
            }
            packages.put(name, deb.get());
        }
        Path root = Files.createDirectories(work.resolve("root"));
        for (Path deb : packages.values()) {
            Processes.run(TOOL, "dpkg-deb", "-x", deb.toString(), root.toString()).assertSuccess();
        }
        Path kernel;
        try (Stream<Path> s = Files.list(root.resolve("boot"))) {
            kernel = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> new AssertionError("no boot/vmlinuz-* in " + packages.get("linux-image-")));
        }
        Path initramfs = work.resolve("initramfs.cpio");
        Files.write(initramfs, initramfs(root));
        return new LinuxGuest(work, kernel, initramfs);
    }

    /**
     * Boots and waits for the guest to power off.
     *
     * @param name names the serial console's file
     * @param append the kernel command line after the console's settings (MODE=..., TGT=...)
     * @return the serial console
     */
    String boot(String name, String append) throws Exception {
        Path serial = serial(name);
        Processes.Result r = Processes.run(BOOT, qemu(serial, append));
        String out = Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
        assertEquals(0, r.exitCode(), "QEMU: " + r.describe() + "\nserial console:\n" + out);
        return out;
    }

    /**
     * Boots, runs {@code change} once the guest says WAITING-FOR-ATTENTION, and waits for the guest
     * to power off.
     *
     * @param name names the serial console's file
     * @param append the kernel command line after the console's settings
     * @param change what the test changes on the target meanwhile
     * @return the serial console
     */
    String bootAndChange(String name, String append, Change change) throws Exception {
        Path serial = serial(name);
        Process qemu = new ProcessBuilder(qemu(serial, append)).redirectErrorStream(true)
                .redirectOutput(work.resolve("qemu-" + name + ".out").toFile()).start();
        try {
            Await.every(BOOT, Duration.ofMillis(200), "the guest's WAITING-FOR-ATTENTION",
                    () -> Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "",
                    out -> out.contains("WAITING-FOR-ATTENTION") || !qemu.isAlive());
            change.run();
            assertTrue(qemu.waitFor(BOOT.toSeconds(), TimeUnit.SECONDS), "QEMU ended");
        } finally {
            Processes.kill(qemu.toHandle(), Duration.ofSeconds(10));
        }
        return Files.readString(serial, StandardCharsets.ISO_8859_1);
    }

    /**
     * Waits until the serial console of the boot named {@code name} satisfies {@code done}, for a
     * {@link Change} that follows the guest.
     */
    void awaitConsole(String name, Duration timeout, String what, Predicate<String> done) throws Exception {
        Path serial = work.resolve("serial-" + name + ".log");
        String out = Await.every(timeout, Duration.ofMillis(200), what,
                () -> Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "",
                o -> done.test(o) || o.contains("== END") || o.contains("Kernel panic"));
        assertTrue(done.test(out), "the guest ended before " + what + ":\n" + out);
    }

    /** What a test changes on the target while the guest runs. */
    @FunctionalInterface
    interface Change {
        void run() throws Exception;
    }

    private Path serial(String name) throws IOException {
        Path serial = work.resolve("serial-" + name + ".log");
        Files.deleteIfExists(serial);
        return serial;
    }

    private String[] qemu(Path serial, String append) {
        return new String[] {"qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", "512", "-smp", "1", "-display",
            "none", "-vga", "none", "-no-reboot", "-serial", "file:" + serial, "-kernel", kernel.toString(), "-initrd",
            initramfs.toString(), "-append", "console=ttyS0 panic=-1 loglevel=4 " + append, "-netdev",
            "user,id=n0", "-device", "e1000,netdev=n0"};
    }

    /** No line of the kernel's messages (after "== dmesg") matches {@link #BAD_KERNEL_LINE}. */
    static void assertCleanKernelMessages(String out) {
        assertCleanKernelMessages(out, Pattern.compile("(?!)"));
    }

    /** As above, but for the lines {@code expected} matches whole. */
    static void assertCleanKernelMessages(String out, Pattern expected) {
        assertFalse(out.contains("INSMOD-FAILED"), out);
        assertTrue(out.contains("== dmesg"), "the guest reached its end:\n" + out);
        for (String line : out.substring(out.indexOf("== dmesg")).split("\n")) {
            if (!expected.matcher(line.stripTrailing()).matches()) {
                assertFalse(BAD_KERNEL_LINE.matcher(line).find(), "kernel message: " + line + "\nin:\n" + out);
            }
        }
    }

    /**
     * The initramfs: /init and /modes, busybox, open-iscsi's programs with their libraries, this
     * machine's sg3_utils and mtx with theirs, the modules in load order (/modlist), and the
     * directories the init mounts on.
     */
    private static byte[] initramfs(Path root) throws Exception {
        Cpio cpio = new Cpio();
        cpio.file("init", 0755, resource("/linux/init.sh"));
        for (String mode : MODES) {
            cpio.file("modes/" + mode + ".sh", 0644, resource("/linux/modes/" + mode + ".sh"));
        }
        cpio.file("bin/busybox", 0755, Files.readAllBytes(root.resolve("bin/busybox")));
        Set<Path> hostLibraries = new LinkedHashSet<>();
        Set<Path> packageLibraries = new LinkedHashSet<>();
        for (String program : List.of("iscsistart", "iscsid", "iscsiadm", "multipath", "multipathd",
                "mpathpersist")) {
            Path p = root.resolve("sbin").resolve(program);
            cpio.file("sbin/" + program, 0755, Files.readAllBytes(p));
            libraries(p, root, hostLibraries, packageLibraries);
        }
        // multipath's path checkers and priority functions, which it loads by name from /lib/multipath
        try (Stream<Path> s = Files.list(root.resolve("lib/multipath"))) {
            for (Path plugin : s.sorted().toList()) {
                packageLibraries.add(plugin);
                libraries(plugin, root, hostLibraries, packageLibraries);
            }
        }
        cpio.file("etc/iscsi/iscsid.conf", 0644, Files.readAllBytes(root.resolve("etc/iscsi/iscsid.conf")));
        for (String tool : SG_TOOLS) {
            Path t = Processes.which(tool).orElseThrow(() -> new AssertionError(tool + " not on PATH"));
            cpio.file("bin/" + tool, 0755, Files.readAllBytes(t));
            libraries(t, root, hostLibraries, packageLibraries);
        }
        for (String tool : SBIN_TOOLS) {
            // a missing one fails only the test that needs it
            Optional<Path> t = sbinTool(tool);
            if (t.isPresent()) {
                cpio.file("bin/" + tool, 0755, Files.readAllBytes(t.get()));
                libraries(t.get(), root, hostLibraries, packageLibraries);
            }
        }
        // glibc loads it for pthread_cancel, which multipathd calls when it stops its threads
        hostLibraries.add(Stream.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu")
                .map(d -> Path.of(d, "libgcc_s.so.1")).filter(Files::exists).findFirst()
                .orElseThrow(() -> new AssertionError("no libgcc_s.so.1 on this machine")));
        for (Path lib : hostLibraries) {
            cpio.file(lib.toString().substring(1), 0755, Files.readAllBytes(lib.toRealPath()));
        }
        for (Path lib : packageLibraries) {
            cpio.file(root.relativize(lib).toString(), 0755, Files.readAllBytes(lib.toRealPath()));
        }
        StringBuilder list = new StringBuilder();
        for (Path m : modules(root)) {
            cpio.file("lib/modules/" + m.getFileName(), 0644, Files.readAllBytes(m));
            list.append(m.getFileName()).append('\n');
        }
        cpio.file("modlist", 0644, list.toString().getBytes(StandardCharsets.US_ASCII));
        for (String dir : List.of("proc", "sys", "dev", "tmp", "mnt", "run", "var/lock", "etc/iscsi")) {
            cpio.directory(dir);
        }
        return cpio.finish();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LinuxGuest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("no resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** A program on PATH, or else in /usr/sbin or /sbin. */
    static Optional<Path> sbinTool(String name) {
        return Processes.which(name).or(() -> Stream.of("/usr/sbin", "/sbin").map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst());
    }

    /**
     * The libraries {@code ldd} names for a program (the loader included), found first in the
     * packages unpacked under {@code root} (added to {@code fromPackages}), else on this machine
     * (added to {@code fromHost}).
     */
    private static void libraries(Path program, Path root, Set<Path> fromHost, Set<Path> fromPackages)
            throws Exception {
        String path = Stream.of("lib", "lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu")
                .map(d -> root.resolve(d).toString()).collect(Collectors.joining(":"));
        Processes.Result r = Processes.runWithEnv(TOOL, Map.of("LD_LIBRARY_PATH", path), "ldd", program.toString())
                .assertSuccess();
        Matcher m = Pattern.compile("(?m)(?:=>\\s*)?(/\\S+)\\s+\\(0x").matcher(r.output());
        while (m.find()) {
            Path p = Path.of(m.group(1));
            (p.startsWith(root) ? fromPackages : fromHost).add(p);
        }
        if (r.output().contains("not found")) {
            throw new AssertionError("ldd " + program + ": a library is missing:\n" + r.output());
        }
    }

    /**
     * {@link #MODULES} and what they depend on, dependencies first: each module's {@code depends=}
     * entry of its {@code .modinfo}, read from the file's bytes (no modinfo needed).
     */
    private static List<Path> modules(Path root) throws IOException {
        Map<String, Path> byName = new HashMap<>();
        try (Stream<Path> s = Files.walk(root.resolve("lib/modules"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".ko")).forEach(p -> byName.put(moduleName(p), p));
        }
        LinkedHashSet<Path> ordered = new LinkedHashSet<>();
        for (String m : MODULES) {
            addWithDependencies(m, byName, ordered, new LinkedHashSet<>());
        }
        return List.copyOf(ordered);
    }

    private static void addWithDependencies(String name, Map<String, Path> byName, Set<Path> ordered,
            Set<String> visiting) throws IOException {
        Path ko = byName.get(name.replace('-', '_'));
        if (ko == null) {
            throw new AssertionError("module " + name + " is not in the kernel package (compressed modules?)");
        }
        if (ordered.contains(ko) || !visiting.add(name)) {
            return;
        }
        String info = new String(Files.readAllBytes(ko), StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("\0depends=([^\0]*)\0").matcher(info);
        if (m.find() && !m.group(1).isEmpty()) {
            for (String d : m.group(1).split(",")) {
                addWithDependencies(d, byName, ordered, visiting);
            }
        }
        ordered.add(ko);
    }

    private static String moduleName(Path ko) {
        String f = ko.getFileName().toString();
        return f.substring(0, f.length() - ".ko".length()).replace('-', '_');
    }

    private static Path debDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("jstgt/linux-initiator");
    }

    /** The newest {@code <prefix>*.deb} of a directory (last modified), if any. */
    private static Optional<Path> newest(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".deb");
            }).max(Comparator.comparing(p -> p.toFile().lastModified()));
        }
    }

    /** Aborts the calling test (a failure with JSTGT_REQUIRE_INITIATORS=1). */
    static void unavailable(String msg) {
        if ("1".equals(System.getenv("JSTGT_REQUIRE_INITIATORS"))) {
            fail(msg + "; JSTGT_REQUIRE_INITIATORS=1 makes their absence a failure");
        }
        Assumptions.abort(msg + "; skipped");
    }
}
