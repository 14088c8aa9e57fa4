package org.jstgt.itests;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

/**
 * Karaf shell commands on a started instance, run through its own {@code bin/client} over SSH as
 * an administrator of the test's own: an RSA key pair made here, its public half registered in the
 * instance's {@code etc/keys.properties} (which Karaf reads at each login).
 */
final class KarafShell {
    private static final String USER = "itest";

    private final KarafInstance karaf;
    private final Path privateKey;

    private KarafShell(KarafInstance karaf, Path privateKey) {
        this.karaf = karaf;
        this.privateKey = privateKey;
    }

    /**
     * @param karaf the instance, started or not
     * @param dir where the private key is written
     * @return a shell of the instance
     */
    static KarafShell of(KarafInstance karaf, Path dir) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path key = dir.resolve("shell-key");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        String entry = "\n" + USER + "=" + sshRsaBlob((RSAPublicKey) pair.getPublic()) + ",_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n";
        Files.writeString(karaf.etc().resolve("keys.properties"), entry, StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new KarafShell(karaf, key);
    }

    /** The public key as OpenSSH writes it after "ssh-rsa ": its wire encoding (RFC 4253 §6.6), Base64. */
    private static String sshRsaBlob(RSAPublicKey key) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (byte[] part : new byte[][] {"ssh-rsa".getBytes(StandardCharsets.US_ASCII),
                key.getPublicExponent().toByteArray(), key.getModulus().toByteArray()}) {
                out.writeInt(part.length);
                out.write(part);
            }
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /**
     * Runs one command.
     *
     * @param timeout bound on the client
     * @param command the shell command line
     * @return what the client printed, and its exit code
     */
    Processes.Result run(Duration timeout, String command) throws IOException, InterruptedException {
        Properties shell = new Properties();
        try (var in = Files.newInputStream(karaf.etc().resolve("org.apache.karaf.shell.cfg"))) {
            shell.load(in);
        }
        String port = shell.getProperty("sshPort", "8101").trim();
        // batch mode, the command on standard input: given as an argument, the client forwards the
        // end of a non-terminal input to the remote shell, which closes before the command ran
        Path input = Files.createTempFile(privateKey.getParent(), "shell-command", ".txt");
        try {
            Files.writeString(input, command + "\n", StandardCharsets.UTF_8);
            return Processes.runWithInput(timeout, input, karaf.home().resolve("bin/client").toString(), "-h",
                    "127.0.0.1", "-a", port, "-u", USER, "-k", privateKey.toString(), "-r", "10", "-d", "2", "-b");
        } finally {
            Files.deleteIfExists(input);
        }
    }
}
