package org.jstgt.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.jstgt.testkit.Await;
import org.jstgt.testkit.DiscoveredTarget;
import org.jstgt.testkit.Initiator;
import org.jstgt.testkit.InitiatorOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped {@code etc/} watcher against a provisioning tool that writes hundreds of files at
 * once. Karaf's FileInstall watching through the JDK's watch service lost such bursts without a
 * trace: the service keeps at most 512 events per directory between two looks and replaces them all
 * with one OVERFLOW event, which FileInstall 3.7.4 ignores. The distribution's
 * {@code etc/custom.properties} makes it list the directory instead, and skip the subdirectories of
 * {@code etc/} (listing would otherwise pack each, {@code etc/secrets/} included, into a jar under
 * {@code data/tmp/}).
 */
class ConfigBurstIT {
    /** Twice a file each (created, then written): more than twice the watch service's 512. */
    private static final int FILES = 600;
    private static final String IQN_PREFIX = "iqn.2026-12.org.jstgt.itest:burst";
    private static final Duration LOAD_WAIT = Duration.ofSeconds(60);
    private static final Duration PAUSE = Duration.ofMillis(500);
    private static final String SECRET = "burst-Secret-3141";

    @RegisterExtension
    static final StartedAssembly ASSEMBLY = new StartedAssembly("burst");

    @Test
    void sixHundredTargetFilesWrittenAtOnceAreAllServedThenAllGoWhenDeletedAndNoSecretIsCopied()
            throws Exception {
        KarafInstance karaf = ASSEMBLY.karaf();
        Path secrets = Files.createDirectories(karaf.etc().resolve("secrets"));
        Path secret = secrets.resolve("burst");
        Files.writeString(secret, SECRET, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        List<Path> written = new ArrayList<>(FILES);
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < FILES; i++) {
            // in place, not moved in: a create and a write event per file, as `cp *.cfg etc/` makes
            Path f = karaf.etc().resolve("jstgt.target-burst" + i + ".cfg");
            Files.writeString(f, "iqn = " + IQN_PREFIX + i + "\nportals = default\n", StandardCharsets.UTF_8);
            written.add(f);
            expected.add(IQN_PREFIX + i);
        }
        Await.every(LOAD_WAIT, PAUSE, "all " + FILES + " burst targets in SendTargets",
                ConfigBurstIT::burstTargets, s -> s.equals(expected));

        for (Path f : written) {
            Files.delete(f);
        }
        Await.every(LOAD_WAIT, PAUSE, "no burst target left in SendTargets", ConfigBurstIT::burstTargets,
                Set::isEmpty);
        assertTrue(Initiator.sendTargets(DemoTargetCheck.PORTAL, InitiatorOptions.defaults()).stream()
                .anyMatch(t -> t.name().equals(KarafInstance.DEMO_IQN)), "the demo target is still served");

        Path data = karaf.home().resolve("data");
        assertEquals(List.of(), packedDirectories(data), "etc/ subdirectories FileInstall packed into jars");
        assertEquals(List.of(), copiesOf(data, SECRET.getBytes(StandardCharsets.UTF_8)),
                "files under data/ holding the secret of etc/secrets/burst");
    }

    private static Set<String> burstTargets() throws IOException {
        return Initiator.sendTargets(DemoTargetCheck.PORTAL, InitiatorOptions.defaults()).stream()
                .map(DiscoveredTarget::name).filter(n -> n.startsWith(IQN_PREFIX))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Jars FileInstall made of directories it was watching: under data/tmp/fileinstall-*. */
    private static List<Path> packedDirectories(Path data) throws IOException {
        return files(data, (p, a) -> p.getFileName().toString().endsWith(".jar")
                && data.relativize(p).toString().startsWith("tmp/fileinstall-"));
    }

    /** Regular files under {@code dir} of at most 16 MiB whose bytes contain {@code needle}. */
    private static List<Path> copiesOf(Path dir, byte[] needle) throws IOException {
        return files(dir, (p, a) -> {
            if (a.size() > (16 << 20)) {
                return false;
            }
            try {
                return contains(Files.readAllBytes(p), needle);
            } catch (NoSuchFileException gone) {
                return false; // the running server deleted it meanwhile
            }
        });
    }

    private interface FileTest {
        boolean test(Path file, BasicFileAttributes attributes) throws IOException;
    }

    /** Regular files under {@code dir} that pass {@code test}; files the server deletes meanwhile are skipped. */
    private static List<Path> files(Path dir, FileTest test) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && test.test(file, attrs)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return found;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
