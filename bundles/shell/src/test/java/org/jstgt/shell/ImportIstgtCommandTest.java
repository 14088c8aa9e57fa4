package org.jstgt.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iscsi:import-istgt} over Karaf's ConfigRepository: what it writes, and when it writes nothing. */
class ImportIstgtCommandTest {
    private static final Path SAMPLES = Path.of("src/test/resources/org/jstgt/shell/importer");
    private static final Path CONF = SAMPLES.resolve("istgt.conf");
    private static final Path AUTH = SAMPLES.resolve("auth.conf");
    private static final List<String> SECRETS = List.of("1234567890abcdef", "mutualtestxx", "abcdefghijklmnop");

    @TempDir
    Path etc;
    @TempDir
    Path work;
    private ShellFixture f;

    @BeforeEach
    void setUp() {
        f = new ShellFixture(etc);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private ImportIstgtCommand.Writer writer(Optional<SecretFiles> secrets) {
        return new ImportIstgtCommand.Writer(f.store, f.out, secrets);
    }

    private List<String> etcFiles() throws Exception {
        try (Stream<Path> s = Files.list(etc)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theSampleIsWrittenWithSecretsInTheSecretsDirectory() throws Exception {
        Path secretsDir = work.resolve("secrets");
        writer(SecretFiles.of(secretsDir.toString())).run(CONF, AUTH, false);
        assertEquals(List.of("jstgt.auth-ag1.cfg", "jstgt.auth-ag1_2.cfg", "jstgt.lun-disk1_lun0.cfg",
                "jstgt.portal-pg1.cfg", "jstgt.target-disk1.cfg"), etcFiles());
        Properties target = ShellFixture.read(etc.resolve("jstgt.target-disk1.cfg"));
        assertEquals("iqn.2007-09.jp.ne.peach.istgt:disk1", target.getProperty("iqn"));
        assertEquals("disk1_lun0", target.getProperty("lun.0"));
        assertEquals("ag1, ag1_2", target.getProperty("auth.groups"));
        assertEquals(7, target.size(), target.toString());
        Properties lun = ShellFixture.read(etc.resolve("jstgt.lun-disk1_lun0.cfg"));
        assertEquals("10GiB", lun.getProperty("size"));
        assertEquals("/tank/iscsi/istgt-disk1", lun.getProperty("store.path"));
        Properties ag1 = ShellFixture.read(etc.resolve("jstgt.auth-ag1.cfg"));
        assertEquals("iqn.1991-05.com.microsoft:saturn", ag1.getProperty("chap.user"));
        assertEquals("$[secret:jstgt.auth-ag1.chap.secret]", ag1.getProperty("chap.secret"));
        assertEquals("$[secret:jstgt.auth-ag1.mutual.secret]", ag1.getProperty("mutual.secret"));
        assertEquals("1234567890abcdef", Files.readString(secretsDir.resolve("jstgt.auth-ag1.chap.secret")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                secretsDir.resolve("jstgt.auth-ag1.mutual.secret"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                etc.resolve("jstgt.auth-ag1.cfg"))));
        assertEquals("ag1, ag1_2", f.cm.get("jstgt.target~disk1").getProperties().get("auth.groups"));
        String out = f.output();
        assertTrue(out.contains("Wrote " + etc.resolve("jstgt.auth-ag1.cfg") + " (secrets in " + secretsDir + ")"), out);
        assertTrue(out.contains("istgt.conf:35: [Global] Timeout: no socket I/O timeout in jstgt"), out);
        assertTrue(out.contains("Imported 5 configuration(s)"), out);
        SECRETS.forEach(s -> assertFalse(out.contains(s), "a secret was printed"));
    }

    @Test
    void withoutASecretsDirectoryTheSecretStandsInTheOwnerOnlyFile() throws Exception {
        writer(Optional.empty()).run(CONF, AUTH, false);
        assertEquals("abcdefghijklmnop", ShellFixture.read(etc.resolve("jstgt.auth-ag1_2.cfg")).getProperty("chap.secret"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                etc.resolve("jstgt.auth-ag1_2.cfg"))));
        assertTrue(f.output().contains("(secrets in the file itself, readable by its owner only: no secrets "
                + "directory)"), f.output());
    }

    @Test
    void dryRunPrintsTheFilesWithSecretsMaskedAndWritesNothing() throws Exception {
        writer(SecretFiles.of(work.resolve("secrets").toString())).run(CONF, AUTH, true);
        assertEquals(List.of(), etcFiles());
        assertFalse(Files.exists(work.resolve("secrets")));
        String out = f.output();
        assertTrue(out.startsWith("Dry run: 5 configuration(s) would be written:\n"
                + etc.resolve("jstgt.auth-ag1.cfg") + "   (from " + AUTH + ":13)\n"
                + "  chap.user = iqn.1991-05.com.microsoft:saturn\n"
                + "  chap.secret = ********\n"), out);
        assertTrue(out.contains(etc.resolve("jstgt.portal-pg1.cfg") + "   (from " + CONF + ":83)\n"
                + "  listen = 192.168.2.36:3260\n  tag = 1\n  nop.interval = 20\n"), out);
        SECRETS.forEach(s -> assertFalse(out.contains(s), "a secret was printed"));
    }

    @Test
    void anExistingConfigurationIsNotOverwrittenAndNothingIsWritten() throws Exception {
        f.cm.fromFile(etc, "jstgt.portal", "pg1", "listen = 127.0.0.1:3260\n");
        String before = Files.readString(etc.resolve("jstgt.portal-pg1.cfg"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer(Optional.empty()).run(CONF, AUTH, false));
        assertEquals("1 error(s) in " + CONF + " / " + AUTH + ": nothing written", e.getMessage());
        assertTrue(f.output().contains(CONF + ":83: " + etc.resolve("jstgt.portal-pg1.cfg") + " exists: not "
                + "overwritten"), f.output());
        assertEquals(List.of("jstgt.portal-pg1.cfg"), etcFiles());
        assertEquals(before, Files.readString(etc.resolve("jstgt.portal-pg1.cfg")));
        assertNull(f.cm.get("jstgt.target~disk1"));
    }

    @Test
    void anIqnThatAnotherTargetHasIsRefused() throws Exception {
        f.cm.fromFile(etc, "jstgt.target", "old", "iqn = IQN.2007-09.jp.ne.peach.istgt:disk1\n");
        assertThrows(IllegalArgumentException.class, () -> writer(Optional.empty()).run(CONF, null, false));
        assertTrue(f.output().contains(CONF + ":108: iqn iqn.2007-09.jp.ne.peach.istgt:disk1 is already the target of "
                + etc.resolve("jstgt.target-old.cfg")), f.output());
        assertEquals(List.of("jstgt.target-old.cfg"), etcFiles());
    }

    @Test
    void aParseErrorNamesFileAndLineAndWritesNothing() throws Exception {
        Path bad = work.resolve("istgt.conf");
        Files.writeString(bad, Files.readString(CONF).replace("[PortalGroup1]", "[PortalGroup1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer(Optional.empty()).run(bad, AUTH, false));
        assertEquals(bad + ":83: broken section header '[PortalGroup1': expected [Name] alone on the line; nothing "
                + "written", e.getMessage());
        assertEquals(List.of(), etcFiles());
    }

    @Test
    void aLunTheCoreWouldRefuseIsAnErrorAndNothingIsWritten() throws Exception {
        // istgt gives LUN n > 0 the unit's serial + "L<n>": from a 32-character serial that is 34,
        // past INQUIRY's 32, and the LUN written would stay FAILED
        Path conf = work.resolve("istgt.conf");
        String serial = "S".repeat(32);
        Files.writeString(conf, Files.readString(CONF).replace("  LUN0 Storage /tank/iscsi/istgt-disk1 10GB",
                "  UnitInquiry \"JSTGT\" \"DISK\" \"0001\" \"" + serial + "\"\n"
                        + "  LUN0 Storage /tank/iscsi/istgt-disk1 10GB\n  LUN1 Storage /tank/iscsi/istgt-disk1b 1GB"));
        assertThrows(IllegalArgumentException.class, () -> writer(Optional.empty()).run(conf, AUTH, false));
        String out = f.output();
        assertTrue(out.contains(etc.resolve("jstgt.lun-disk1_lun1.cfg") + ": serial: '" + serial
                + "L1' is longer than 32 characters"), out);
        assertEquals(List.of(), etcFiles());
    }

    @Test
    void aSecretTheChapBundleRefusesIsAnErrorThatNeverShowsIt() throws Exception {
        Path auth = work.resolve("auth.conf");
        Files.writeString(auth, "[AuthGroup1]\n  Auth \"iqn.1991-05.com.microsoft:saturn\" \"short1\"\n");
        assertThrows(IllegalArgumentException.class, () -> writer(Optional.empty()).run(CONF, auth, false));
        String out = f.output();
        assertTrue(out.contains(auth + ":2: " + etc.resolve("jstgt.auth-ag1.cfg") + ": chap.secret: the secret must "
                + "be 12 to 255 bytes, was 6"), out);
        assertFalse(out.contains("short1"), out);
        assertEquals(List.of(), etcFiles());
    }

    @Test
    void unmappedOnlyInputStillReportsEveryUnmappedKey() throws Exception {
        Path conf = work.resolve("istgt.conf");
        Files.writeString(conf, "[Global]\n  NodeBase iqn.2026-11.org.example\n  Timeout 30\n[LogicalUnit1]\n"
                + "  TargetName pass\n  UnitType Pass\n  LUN0 Device /dev/da0\n");
        writer(Optional.empty()).run(conf, null, false);
        assertEquals(List.of(), etcFiles());
        String out = f.output();
        assertTrue(out.contains(conf + ":3: [Global] Timeout: no socket I/O timeout in jstgt"), out);
        assertTrue(out.contains(conf + ":4: [LogicalUnit1] UnitType: Pass (SCSI pass-through of a local device) is "
                + "not supported by jstgt"), out);
        assertTrue(out.contains("Imported 0 configuration(s)"), out);
    }
}
