package io.jnetfs.peers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A peer server as a child process of this JVM: standard output and error into a log file (in the
 * server's {@link RunDir}), standard input from {@code /dev/null}.
 *
 * <p>Suspended with SIGSTOP, then every thread checked in {@code /proc/PID/task} until all are stopped;
 * killed with SIGKILL; closed with SIGCONT (a stopped process cannot act on SIGTERM), SIGTERM, and
 * SIGKILL after a grace ({@link #TERM_GRACE} unless the starter says otherwise). Signals other than TERM and KILL go through {@code kill(1)}, which the
 * JDK cannot send itself.
 */
final class ServerProcess implements Backend {
    /** How long a server has to exit after SIGTERM before SIGKILL. */
    static final Duration TERM_GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final Path log;
    private final Duration termGrace;
    private boolean stopped;
    private boolean closed;

    private ServerProcess(Process process, Path log, Duration termGrace) {
        this.process = process;
        this.log = log;
        this.termGrace = termGrace;
    }

    /**
     * Starts {@code command} with its output in {@code log}.
     *
     * @param command the command line
     * @param log the log file (created or truncated)
     * @return the running process, which the caller closes
     * @throws IOException where the command cannot be started
     */
    static ServerProcess start(List<String> command, Path log) throws IOException {
        return start(command, log, TERM_GRACE);
    }

    /**
     * Starts {@code command} with its output in {@code log}, given {@code termGrace} to exit after SIGTERM.
     *
     * @param command the command line
     * @param log the log file (created or truncated)
     * @param termGrace how long {@link #close()} waits after SIGTERM before SIGKILL
     * @return the running process, which the caller closes
     * @throws IOException where the command cannot be started
     */
    static ServerProcess start(List<String> command, Path log, Duration termGrace) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServerProcess(p, log, termGrace);
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void suspend() throws IOException {
        signal("STOP");
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!allThreadsStopped()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("pid " + process.pid() + " did not stop within 10 s of SIGSTOP");
            }
            Thread.onSpinWait();
        }
    }

    private boolean allThreadsStopped() throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                // "tid (comm) S ...": the state follows the last ')'
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't') {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void resume() throws IOException {
        signal("CONT");
        stopped = false;
    }

    private void signal(String sig) throws IOException {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS)) {
                k.destroyForcibly();
                throw new IOException("kill -" + sig + " " + process.pid() + " did not finish within 10 s");
            }
            if (k.exitValue() != 0) {
                throw new IOException("kill -" + sig + " " + process.pid() + " exited with " + k.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted sending SIG" + sig + " to " + process.pid());
        }
    }

    /** Stops the process: SIGCONT if suspended, SIGTERM, SIGKILL after its grace. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!process.isAlive()) {
            return;
        }
        if (stopped) {
            try {
                resume();
            } catch (IOException e) {
                // it may have exited meanwhile; SIGTERM and SIGKILL follow anyway
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(termGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String describe() {
        return "pid " + process.pid();
    }
}
