package org.jstgt.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;

import org.apache.karaf.config.core.impl.ConfigRepositoryImpl;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * Karaf's own {@link ConfigRepositoryImpl} over a {@link FakeConfigAdmin}, writing into a
 * temporary {@code karaf.etc}; the console's output and the lines a user types.
 */
final class ShellFixture implements AutoCloseable {
    final Path etc;
    final FakeConfigAdmin cm = new FakeConfigAdmin();
    final ConfigStore store;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    /** Lines the user types at hidden prompts, in order. */
    final Deque<String> typed = new ArrayDeque<>();
    /** Prompts shown, in order. */
    final List<String> prompts = new java.util.ArrayList<>();
    private final String previousEtc;

    ShellFixture(Path etc) {
        this.etc = etc;
        previousEtc = System.getProperty("karaf.etc");
        // ConfigRepositoryImpl names new files in karaf.etc
        System.setProperty("karaf.etc", etc.toString());
        store = new ConfigStore(new ConfigRepositoryImpl(cm), etc);
    }

    SecretInput.Console console() {
        return prompt -> {
            prompts.add(prompt);
            return typed.poll();
        };
    }

    /** @return the sets, writing secrets into the cfg files (no secrets directory) */
    CredentialSets sets() {
        return new CredentialSets(store, out, java.util.Optional.empty());
    }

    /**
     * @param secretsDir the interpolation plugin's secrets directory
     * @return the sets, writing secrets there
     */
    CredentialSets sets(Path secretsDir) {
        return new CredentialSets(store, out, SecretFiles.of(secretsDir.toString()));
    }

    TargetRules targets() {
        return new TargetRules(store, out);
    }

    DiscoveryAuth discovery() {
        return new DiscoveryAuth(store, out);
    }

    String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static String render(ShellTable t) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        t.print(new PrintStream(b, true, StandardCharsets.UTF_8), StandardCharsets.US_ASCII, true);
        return b.toString(StandardCharsets.UTF_8);
    }

    /** @return the file's keys as FileInstall would read them */
    static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        return p;
    }

    @Override
    public void close() {
        if (previousEtc == null) {
            System.clearProperty("karaf.etc");
        } else {
            System.setProperty("karaf.etc", previousEtc);
        }
    }
}
