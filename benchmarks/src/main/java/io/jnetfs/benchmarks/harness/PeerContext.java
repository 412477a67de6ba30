package io.jnetfs.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What an {@link ExternalPeer} gets from the harness: the profile's timing, the scratch directory, the
 * C compiler and a bounded process runner.
 *
 * <p>The context owns a temporary directory (compiled C programs, peers' scratch files) and deletes
 * it on {@link #close()}, which is idempotent.
 */
public final class PeerContext implements AutoCloseable {
    /** gcc's flags for the C references: the same for every program and recorded in the report. */
    static final List<String> GCC_FLAGS = List.of("-O2", "-Wall", "-Wextra", "-pthread");
    private static final Path REPO_C_SOURCES = Path.of("benchmarks", "src", "main", "c");
    /** The header every C reference includes (clock, errors, loopback pair). */
    private static final String COMMON_HEADER = "bench_common.h";

    private final Profile profile;
    private final Path scratch;
    private final Path work;
    private final PrintStream log;
    private final Map<String, Path> compiled = new HashMap<>();
    private final List<List<String>> compileCommands = new ArrayList<>();
    private boolean closed;

    /**
     * Creates the context and its temporary directory under {@code scratch}.
     *
     * @param profile the timing
     * @param scratch the scratch directory (benchmarks' files live on the same filesystem)
     * @param log where progress goes
     * @throws IOException if the temporary directory cannot be created
     */
    PeerContext(Profile profile, Path scratch, PrintStream log) throws IOException {
        this.profile = profile;
        this.scratch = scratch;
        this.work = Files.createTempDirectory(scratch, "peers-");
        this.log = log;
    }

    /** {@return the profile's timing} */
    public Profile profile() {
        return profile;
    }

    /**
     * A path for a peer's file in this run's temporary directory (deleted when the run ends).
     *
     * @param name a simple file name
     * @return the path (the file is not created)
     */
    public Path scratchFile(String name) {
        if (name.contains("/")) {
            throw new IllegalArgumentException("invalid name=" + name + " (a simple file name)");
        }
        return work.resolve(name);
    }

    /** {@return the timing options every C reference accepts: warmup, iterations, seconds} */
    public List<String> cTimingArgs() {
        return List.of("--warmup", Integer.toString(profile.peerWarmupSeconds()),
                "--iterations", Integer.toString(profile.peerIterations()),
                "--seconds", Integer.toString(profile.peerIterationSeconds()));
    }

    /** {@return how long one peer run may take: its warmup and iterations plus a minute} */
    public Duration peerTimeout() {
        return Duration.ofSeconds(profile.peerWarmupSeconds()
                + (long) profile.peerIterations() * profile.peerIterationSeconds() + 60);
    }

    /**
     * Compiles {@code benchmarks/src/main/c/<program>.c} with gcc into the temporary directory, once
     * per run. The source (and {@code bench_common.h}, which it includes) comes from the jar
     * ({@code c/}), else from the repository.
     *
     * @param program the file name without {@code .c}
     * @return the executable
     * @throws IOException if the source is missing or gcc fails (with its messages)
     * @throws InterruptedException if interrupted while compiling
     */
    public Path compile(String program) throws IOException, InterruptedException {
        Path exe = compiled.get(program);
        if (exe != null) {
            return exe;
        }
        if (!program.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("invalid program=" + program);
        }
        copySource(COMMON_HEADER);
        Path source = copySource(program + ".c");
        exe = work.resolve(program);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(GCC_FLAGS);
        cmd.addAll(List.of("-o", exe.toString(), source.toString()));
        run(cmd, Duration.ofMinutes(2));
        compileCommands.add(cmd);
        compiled.put(program, exe);
        return exe;
    }

    /** Copies a C source file from the jar ({@code c/<file>}), else from the repository, into the work directory. */
    private Path copySource(String file) throws IOException {
        Path target = work.resolve(file);
        try (InputStream in = PeerContext.class.getResourceAsStream("/c/" + file)) {
            if (in != null) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } else if (Files.isRegularFile(REPO_C_SOURCES.resolve(file))) {
                Files.copy(REPO_C_SOURCES.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                throw new IOException("no C source " + file + " (looked for c/" + file + " in the jar and in "
                        + REPO_C_SOURCES + ")");
            }
        }
        return target;
    }

    /**
     * Runs a command to completion with a time limit, stdout and stderr going to files (no pipe can
     * fill up), and returns its stdout.
     *
     * @param command the command line
     * @param timeout the limit; the process is killed when it is reached
     * @return its standard output
     * @throws IOException if it cannot start, exits non-zero (the message has the tail of its
     *     stderr) or times out
     * @throws InterruptedException if interrupted while waiting (the process is killed)
     */
    public String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out-", ".txt");
        try {
            run(command, timeout, ProcessBuilder.Redirect.to(out.toFile()));
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Runs a command like {@link #run(List, Duration)} but sends its stdout to {@code /dev/null}, for a
     * peer that streams data there (such as {@code diodcat}).
     *
     * @param command the command line
     * @param timeout the limit
     * @throws IOException if it cannot start, exits non-zero or times out
     * @throws InterruptedException if interrupted while waiting
     */
    public void runDiscardingOutput(List<String> command, Duration timeout) throws IOException, InterruptedException {
        run(command, timeout, ProcessBuilder.Redirect.DISCARD);
    }

    private void run(List<String> command, Duration timeout, ProcessBuilder.Redirect stdout)
            throws IOException, InterruptedException {
        Path err = Files.createTempFile(work, "err-", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(stdout).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command));
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (p.exitValue() != 0) {
                throw new IOException("exit code " + p.exitValue() + " from " + String.join(" ", command) + ": "
                        + Json.abbreviate(Files.readString(err, StandardCharsets.UTF_8)));
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /**
     * Prints a progress line.
     *
     * @param line the text
     */
    public void log(String line) {
        log.println("[bench] " + line);
        log.flush();
    }

    /**
     * A command line for the report: this run's temporary directory (gone after the run) shown as
     * {@code $WORK}. The results file keeps the exact command.
     *
     * @param command a command line
     * @return it as one string
     */
    public String display(List<String> command) {
        return String.join(" ", command).replace(work.toString(), "$WORK");
    }

    /** {@return the gcc command lines run so far} */
    List<List<String>> compileCommands() {
        return compileCommands;
    }

    /** Deletes the temporary directory and everything in it. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (Stream<Path> walk = Files.walk(work)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
