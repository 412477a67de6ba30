package io.jnetfs.p9;

import io.jnetfs.ffm.Native;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code diod} for tests: started on a free 127.0.0.1 port exporting a directory
 * ({@code diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null -L stderr}), waited for until it accepts,
 * and stopped by {@link #close()}. {@link #kill()} and {@link #suspend()} make faults.
 *
 * <p>Published in the p9 test-jar for other modules' tests. Use
 * {@code assumeTrue(DiodServer.available(), DiodServer.UNAVAILABLE)} to skip where diod is missing.
 */
public final class DiodServer implements AutoCloseable {
    /** Where Debian installs diod. */
    public static final Path DIOD = Path.of("/usr/sbin/diod");
    /** Where Debian installs diodcat. */
    public static final Path DIODCAT = Path.of("/usr/sbin/diodcat");
    /** The reason tests give when skipping. */
    public static final String UNAVAILABLE = "diod is not installed (apt-get install diod); .ci/run installs it";
    /** Loopback only, ever. */
    public static final String HOST = "127.0.0.1";

    private final Process process;
    private final int port;
    private final Path export;
    private final Path log;
    private boolean closed;

    private DiodServer(Process process, int port, Path export, Path log) {
        this.process = process;
        this.port = port;
        this.export = export;
        this.log = log;
    }

    /** @return whether diod is installed */
    public static boolean available() {
        return Files.isExecutable(DIOD);
    }

    /**
     * Starts diod exporting {@code export} on a free loopback port and waits until it accepts.
     *
     * @param export an existing directory (an absolute path: it is also the aname)
     * @return the running server, which the caller closes
     */
    public static DiodServer start(Path export) throws IOException {
        Path dir = export.toAbsolutePath();
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path log = Files.createTempFile("diod-" + port + "-", ".log");
            Process p = new ProcessBuilder(List.of(DIOD.toString(), "-f", "-n", "-l", HOST + ":" + port, "-e",
                    dir.toString(), "-c", "/dev/null", "-L", "stderr"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            DiodServer s = new DiodServer(p, port, dir, log);
            try {
                s.awaitAccepting(Duration.ofSeconds(10));
                return s;
            } catch (IOException e) {
                last = e;
                s.close();
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    private void awaitAccepting(Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("diod exited with " + process.exitValue() + ": " + log());
            }
            int fd = SocketTransport.connect(HOST, port, TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(100));
            if (fd >= 0) {
                Native.close(fd);
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("diod on port " + port + " did not accept within " + max + ": " + log());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** @return the loopback address diod listens on */
    public String host() {
        return HOST;
    }

    /** @return the port diod listens on */
    public int port() {
        return port;
    }

    /** @return the exported directory */
    public Path export() {
        return export;
    }

    /** @return the aname to attach: the exported path */
    public String aname() {
        return export.toString();
    }

    /** @return diod's process id */
    public long pid() {
        return process.pid();
    }

    /** @return options to connect as root (uname "root", n_uname 0) to the export */
    public P9Options.Builder options() {
        return P9Options.builder(HOST, port).aname(aname()).uname("root").nUname(0);
    }

    /** @return a client with {@link #options()}, which the caller closes */
    public P9Client connect() throws IOException {
        return P9Client.connect(options().build());
    }

    /** @return what diod logged so far */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills diod with SIGKILL (a crash: connections reset) and waits for it to exit. */
    public void kill() {
        process.destroyForcibly();
        waitExit();
    }

    /**
     * Stops diod with SIGSTOP and waits until every one of its threads is stopped: connections stay
     * open but nothing is answered.
     */
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

    /** Resumes a {@link #suspend()}ed diod with SIGCONT. */
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

    private void waitExit() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops diod (SIGTERM, then SIGKILL after 5 s) and deletes its log. Idempotent. */
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
    public String toString() {
        return "diod[pid=" + process.pid() + ", " + HOST + ":" + port + ", export=" + export + "]";
    }
}
