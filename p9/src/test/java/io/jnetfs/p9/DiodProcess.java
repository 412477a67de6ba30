package io.jnetfs.p9;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link DiodMode#PROCESS}: diod as a child process of the test JVM, its output in a temporary log file.
 * Suspended with SIGSTOP (every thread checked in {@code /proc/PID/task}), killed with SIGKILL.
 */
final class DiodProcess implements DiodServer.Backend {
    private final Process process;
    private final Path log;
    private boolean closed;

    private DiodProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** @return null where diod is installed, else why not */
    static String unavailableReason() {
        return Files.isExecutable(DiodServer.DIOD) ? null
                : DiodServer.DIOD + " is not installed (apt-get install diod; .ci/run installs it)";
    }

    /**
     * Starts {@code diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null -L stderr} and waits until it accepts.
     *
     * @return the running process, which the caller closes
     * @throws IOException where diod exits or does not accept within {@code max}; nothing is left running
     */
    static DiodProcess start(Path export, int port, Duration max) throws IOException {
        Path log = Files.createTempFile("diod-" + port + "-", ".log");
        Process p;
        try {
            p = new ProcessBuilder(List.of(DiodServer.DIOD.toString(), "-f", "-n", "-l", DiodServer.HOST + ":" + port,
                    "-e", export.toString(), "-c", "/dev/null", "-L", "stderr"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw e;
        }
        DiodProcess d = new DiodProcess(p, log);
        try {
            DiodServer.awaitAccepting(port, max, d::isAlive, d::log);
            return d;
        } catch (IOException e) {
            d.close();
            throw e;
        }
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!allThreadsStopped()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("diod " + process.pid() + " did not stop");
            }
            Thread.onSpinWait();
        }
    }

    private boolean allThreadsStopped() throws IOException {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String status;
                try {
                    status = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                // "pid (comm) S ...": the state follows the last ')'
                char state = status.charAt(status.lastIndexOf(')') + 2);
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
    }

    private void signal(String sig) throws IOException {
        try {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IOException("kill -" + sig + " " + process.pid() + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops diod (SIGCONT, SIGTERM, then SIGKILL after 5 s) and deletes its log. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process.isAlive()) {
            try {
                resume(); // a suspended diod cannot handle SIGTERM
            } catch (IOException e) {
                // it may have exited meanwhile
            }
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file
        }
    }

    @Override
    public String describe() {
        return "pid=" + process.pid();
    }
}
