package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.jstgt.testkit.Await;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * iSCSI boot with a real iPXE: QEMU's PC (SeaBIOS) runs Debian's iPXE ROM of an emulated e1000
 * card, which takes a script from QEMU's user-mode network (TFTP), logs in to the started assembly
 * at QEMU's address for the host (10.0.2.2, which is 127.0.0.1 here) and boots with {@code sanboot}.
 * The boot sector ({@code src/test/resources/ipxe/boot-sector.S}) reads LBA 1 through the BIOS,
 * which iPXE answers with SCSI READs to jstgt, writes it to the serial port and ends QEMU with a
 * status that says whether the read succeeded. LBA 1 holds a marker made for each run, so a boot
 * that prints it read it through the target. Covered: a disk, one-way and mutual CHAP (iPXE's
 * {@code username}/{@code password} and {@code reverse-username}/{@code reverse-password}), a
 * wrong secret refused, and an El Torito boot from a DVD LUN.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpxeBootIT {
    private static final Path ROM = Path.of("/usr/lib/ipxe/qemu/pxe-e1000.rom");
    /** One boot under emulation (TCG) takes about 10 s on the 2-core build machine. */
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration CONFIG_WAIT = Duration.ofSeconds(45);
    /** QEMU's exit status for the boot sector's value 10h at isa-debug-exit: (10h << 1) | 1. */
    private static final int READ_OK = 33;
    /** ... for the value 2, which {@link #FAIL_PROGRAM} writes when sanboot failed. */
    private static final int SANBOOT_FAILED = 5;
    /** A PXE program iPXE chains to when sanboot fails: mov al,2; out F4h,al; hlt. */
    private static final byte[] FAIL_PROGRAM = {(byte) 0xB0, 0x02, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4};
    private static final String PREFIX = "iqn.2026-12.org.jstgt.itest:ipxe-";
    private static final String USER = "pxe";
    private static final String SECRET = "pxe-Secret-24680";
    private static final String TARGET_USER = "jstgt-pxe";
    private static final String TARGET_SECRET = "pxe-Target-13579";

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("ipxe", "qemu-system-x86_64", "iscsi-ls");

    private KarafInstance karaf;
    private Path work;
    /** What LBA 1 of the disk and of the DVD holds this run. */
    private String marker;

    @BeforeAll
    void configure() throws Exception {
        if (!Files.isRegularFile(ROM)) {
            String msg = "IpxeBootIT needs iPXE's ROM " + ROM + " (Debian: apt-get install ipxe-qemu)";
            if ("1".equals(System.getenv("JSTGT_REQUIRE_INITIATORS"))) {
                fail(msg + "; JSTGT_REQUIRE_INITIATORS=1 makes its absence a failure");
            }
            Assumptions.abort(msg + "; skipped");
        }
        karaf = ASSEMBLY.karaf();
        work = Files.createDirectories(karaf.home().resolve("ipxe"));
        Files.createDirectories(work.resolve("tftp"));
        Files.write(work.resolve("tftp/fail.0"), FAIL_PROGRAM);
        marker = "JSTGT-LBA1-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        byte[] boot = bootSector();

        // a 16 MiB sparse disk: the boot sector, then the marker. Not smaller: with no partition table
        // iPXE's BIOS disk takes 255 heads of 63 sectors, and a disk under one such cylinder (7.8 MiB)
        // fails its boot with "Input/output error" (1d852039) before any read of the boot sector
        Path diskImage = work.resolve("disk.img");
        byte[] m = (marker + "\0").getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile f = new RandomAccessFile(diskImage.toFile(), "rw")) {
            f.setLength(16 << 20);
            f.write(boot);
            f.write(m);
        }

        karaf.writeEtc("jstgt.auth-pxe.cfg", lines("chap.user = " + USER, "chap.secret = " + SECRET,
                "mutual.user = " + TARGET_USER, "mutual.secret = " + TARGET_SECRET));
        karaf.writeEtc("jstgt.lun-pxedisk.cfg", lines("device.type = disk", "store.type = file",
                "store.path = " + diskImage));
        karaf.writeEtc("jstgt.lun-pxecd.cfg", lines("device.type = dvd", "medium = " + bootIso(boot)));
        karaf.writeEtc("jstgt.target-ipxe-disk.cfg", lines("iqn = " + PREFIX + "disk", "lun.0 = pxedisk"));
        karaf.writeEtc("jstgt.target-ipxe-chap.cfg", lines("iqn = " + PREFIX + "chap", "lun.0 = pxedisk",
                "auth = chap", "auth.groups = pxe"));
        karaf.writeEtc("jstgt.target-ipxe-mutual.cfg", lines("iqn = " + PREFIX + "mutual", "lun.0 = pxedisk",
                "auth = mutual", "auth.groups = pxe"));
        karaf.writeEtc("jstgt.target-ipxe-dvd.cfg", lines("iqn = " + PREFIX + "dvd", "lun.0 = pxecd"));
        Await.every(CONFIG_WAIT, Duration.ofSeconds(1), "the four iPXE targets in iscsi-ls",
                () -> Processes.run(Duration.ofSeconds(60), "iscsi-ls", "iscsi://127.0.0.1:3260"),
                r -> r.exitCode() == 0 && r.output().contains(PREFIX + "disk") && r.output().contains(PREFIX + "chap")
                        && r.output().contains(PREFIX + "mutual") && r.output().contains(PREFIX + "dvd"));
    }

    @Test
    void sanbootFromADiskReadsThroughTheTarget() throws Exception {
        assertBoots(script("disk"));
    }

    @Test
    void sanbootWithOneWayAndMutualChap() throws Exception {
        assertBoots(script("chap", "set username " + USER, "set password " + SECRET));
        assertBoots(script("mutual", "set username " + USER, "set password " + SECRET,
                "set reverse-username " + TARGET_USER, "set reverse-password " + TARGET_SECRET));
    }

    @Test
    void sanbootWithAWrongSecretIsRefused() throws Exception {
        Boot b = boot(script("chap", "set username " + USER, "set password " + SECRET + "x"));
        assertEquals(SANBOOT_FAILED, b.status(), b.describe());
        assertFalse(b.serial().contains("JSTGT-BOOT-SECTOR-RUNNING"), b.describe());
        String log = Processes.read(karaf.home().resolve("data/log/karaf.log"));
        assertTrue(log.contains("org.ipxe") && log.contains("0x0201"), "a refused login (0x0201) of iPXE in the log");
        assertFalse(log.contains(SECRET), "no secret in the log");
    }

    @Test
    void sanbootFromADvdBootsItsElToritoImage() throws Exception {
        assertBoots(script("dvd"));
    }

    private void assertBoots(String script) throws Exception {
        Boot b = boot(script);
        assertEquals(READ_OK, b.status(), b.describe());
        assertTrue(b.serial().contains("JSTGT-BOOT-SECTOR-RUNNING") && b.serial().contains(marker)
                && b.serial().contains("JSTGT-BOOT-READ-OK"), b.describe());
    }

    /** An iPXE script: DHCP from QEMU, the settings given, sanboot of the target, fail.0 when that fails. */
    private static String script(String target, String... settings) {
        List<String> l = new ArrayList<>(List.of("#!ipxe", "dhcp"));
        l.addAll(List.of(settings));
        l.add("sanboot iscsi:10.0.2.2::::" + PREFIX + target + " || chain fail.0");
        return String.join("\n", l) + "\n";
    }

    private record Boot(int status, String serial, String output) {
        String describe() {
            return "QEMU exited " + status + "; serial port:\n" + serial + "\nQEMU output:\n" + output;
        }
    }

    private Boot boot(String script) throws Exception {
        Files.writeString(work.resolve("tftp/boot.ipxe"), script, StandardCharsets.US_ASCII);
        Path serial = work.resolve("serial.log");
        Files.deleteIfExists(serial);
        Processes.Result r = Processes.run(BOOT, "qemu-system-x86_64", "-machine", "pc,accel=tcg", "-m", "128",
                "-display", "none", "-vga", "none", "-no-reboot", "-serial", "file:" + serial,
                "-netdev", "user,id=n0,tftp=" + work.resolve("tftp") + ",bootfile=boot.ipxe",
                "-device", "e1000,netdev=n0,romfile=" + ROM, "-boot", "n",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04");
        String text = Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
        return new Boot(r.exitCode(), text, r.output());
    }

    private static byte[] bootSector() throws IOException {
        try (InputStream in = IpxeBootIT.class.getResourceAsStream("/ipxe/boot-sector.bin")) {
            byte[] b = in.readAllBytes();
            assertTrue(b.length == 512 && b[510] == 0x55 && b[511] == (byte) 0xAA, "a boot sector");
            return b;
        }
    }

    /**
     * An ISO 9660 image booting {@code boot} (El Torito, no emulation, one 512-byte sector loaded),
     * with the marker at the start of its second 2048-byte sector (the system area, which
     * genisoimage's {@code -G} fills).
     */
    private Path bootIso(byte[] boot) throws Exception {
        Path dir = Files.createDirectories(work.resolve("iso"));
        Files.write(dir.resolve("boot.bin"), boot);
        Files.writeString(dir.resolve("readme.txt"), "jstgt IpxeBootIT\n", StandardCharsets.US_ASCII);
        byte[] system = new byte[2 * 2048];
        byte[] m = (marker + "\0").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, system, 2048, m.length);
        Path systemArea = Files.write(work.resolve("system-area.bin"), system);
        return IsoImages.make(dir, work.resolve("boot.iso"), "-quiet", "-G", systemArea.toString(), "-b",
                "boot.bin", "-no-emul-boot", "-boot-load-size", "1");
    }

    private static String lines(String... lines) {
        return "# written by IpxeBootIT\n" + String.join("\n", lines) + "\n";
    }
}
