package org.jstgt.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external commands with a bound on their run time and their output captured. */
final class Processes {
    private Processes() {
    }

    /**
     * The end of a command.
     *
     * @param command what ran
     * @param exitCode its exit code
     * @param output stdout and stderr, interleaved
     */
    record Result(List<String> command, int exitCode, String output) {
        /** @return this, or an AssertionError with the command and its output */
        Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        String describe() {
            return String.join(" ", command) + " exited " + exitCode + ", output:\n" + output;
        }
    }

    /**
     * Runs a command to its end; kills it (and its children) when it outlives the timeout.
     *
     * @param timeout the bound
     * @param command program and arguments
     * @return the result
     * @throws AssertionError on timeout, with the output so far
     */
    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        return runWithEnv(timeout, java.util.Map.of(), command);
    }

    /**
     * {@link #run(Duration, String...)} with variables added to the inherited environment.
     *
     * @param timeout the bound
     * @param env variables to set
     * @param command program and arguments
     * @return the result
     * @throws AssertionError on timeout, with the output so far
     */
    static Result runWithEnv(Duration timeout, java.util.Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        return run(timeout, env, Path.of("/dev/null"), command);
    }

    /**
     * {@link #run(Duration, String...)} with standard input read from a file.
     *
     * @param timeout the bound
     * @param input the file
     * @param command program and arguments
     * @return the result
     * @throws AssertionError on timeout, with the output so far
     */
    static Result runWithInput(Duration timeout, Path input, String... command)
            throws IOException, InterruptedException {
        return run(timeout, java.util.Map.of(), input, command);
    }

    private static Result run(Duration timeout, java.util.Map<String, String> env, Path input, String... command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("jstgt-itest-cmd", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(input.toFile()));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                kill(p.toHandle(), Duration.ofSeconds(10));
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                        + "; output so far:\n" + read(log));
            }
            return new Result(List.of(command), p.exitValue(), read(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Stops a process tree: SIGTERM to the process and its descendants, a bounded wait, then SIGKILL
     * to whatever is left.
     *
     * @param root the process started
     * @param grace how long to wait after SIGTERM
     */
    static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        root.descendants().forEach(tree::add);
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // still alive past the grace period
            }
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // reported by the caller's port or process checks
                }
            }
        }
    }

    /**
     * @param program a program name
     * @return true when it is found on PATH
     */
    static boolean onPath(String program) {
        return which(program).isPresent();
    }

    /** @return the executable {@code program} on PATH, if any */
    static java.util.Optional<Path> which(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return java.util.Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }

    /**
     * @param file a log file
     * @param lines how many lines from its end
     * @return the tail, or a note when the file does not exist
     */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
