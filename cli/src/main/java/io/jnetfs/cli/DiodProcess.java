package io.jnetfs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * diod as the demo's server: {@code diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null -L stderr} on a
 * free loopback port (no authentication; loopback only), waited for until it accepts. When
 * {@code /usr/sbin/diod} is missing and this process is root, it is installed first with
 * {@code apt-get update && apt-get install -y diod}.
 */
final class DiodProcess implements DemoServer {
    /** Where Debian installs diod. */
    static final Path DIOD = Path.of("/usr/sbin/diod");
    /** Loopback only, ever. */
    static final String HOST = "127.0.0.1";

    private final Process process;
    private final int port;
    private final Path export;
    private final Path log;
    private boolean closed;

    private DiodProcess(Process process, int port, Path export, Path log) {
        this.process = process;
        this.port = port;
        this.export = export;
        this.log = log;
    }

    /**
     * Installs diod if needed, starts it and waits until it accepts.
     *
     * @param export the directory to export
     * @param out where to say what is done
     * @return the running diod
     * @throws CommandFailure ({@link ExitCodes#SETUP}) if diod is missing and cannot be installed, or it
     *     does not start
     */
    static DiodProcess start(Path export, PrintWriter out) throws CommandFailure {
        ensureInstalled(out);
        Path dir = export.toAbsolutePath();
        String last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                int port = freePort();
                Path log = Files.createTempFile("jnetfs-demo-diod-", ".log");
                List<String> cmd = new ArrayList<>(List.of(DIOD.toString(), "-f", "-n", "-l", HOST + ":" + port,
                        "-e", dir.toString(), "-c", "/dev/null", "-L", "stderr"));
                int uid = CommonOptions.currentUid();
                if (uid != 0) {
                    cmd.addAll(List.of("-u", Integer.toString(uid))); // an unprivileged diod serves its own user only
                }
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                DiodProcess d = new DiodProcess(p, port, dir, log);
                if (d.awaitAccepting(10_000)) {
                    return d;
                }
                last = "diod on port " + port + " did not accept: " + d.log();
                d.close();
            } catch (IOException e) {
                last = CommandFailure.reason(e);
            }
        }
        throw CommandFailure.of(DIOD.toString(), "could not start: " + last, ExitCodes.SETUP);
    }

    /**
     * Makes sure {@code /usr/sbin/diod} exists: as root with apt-get, installs it (saying so).
     *
     * @param out where to say what is done
     * @throws CommandFailure ({@link ExitCodes#SETUP}) if it is missing and cannot be installed
     */
    static void ensureInstalled(PrintWriter out) throws CommandFailure {
        if (Files.isExecutable(DIOD)) {
            return;
        }
        boolean root = CommonOptions.currentUid() == 0;
        Path aptGet = Path.of("/usr/bin/apt-get");
        if (!root || !Files.isExecutable(aptGet)) {
            throw CommandFailure.of(DIOD.toString(), "diod is not installed; install it with: sudo apt-get install diod"
                    + (root ? " (apt-get was not found)" : ""), ExitCodes.SETUP);
        }
        out.println("diod is not installed: running apt-get update && apt-get install -y diod");
        out.flush();
        run(List.of(aptGet.toString(), "update"));
        run(List.of(aptGet.toString(), "install", "-y", "diod"));
        if (!Files.isExecutable(DIOD)) {
            throw CommandFailure.of(DIOD.toString(), "apt-get install diod did not install it", ExitCodes.SETUP);
        }
    }

    private static void run(List<String> cmd) throws CommandFailure {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw CommandFailure.of(String.join(" ", cmd), "did not finish within 15 minutes", ExitCodes.SETUP);
            }
            if (p.exitValue() != 0) {
                throw CommandFailure.of(String.join(" ", cmd), "exited with " + p.exitValue(), ExitCodes.SETUP);
            }
        } catch (IOException e) {
            throw CommandFailure.of(String.join(" ", cmd), CommandFailure.reason(e), ExitCodes.SETUP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.of(String.join(" ", cmd), "interrupted", ExitCodes.INTERRUPTED);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    private boolean awaitAccepting(long millis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return true;
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("waiting for diod");
            }
        }
        return false;
    }

    private String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String aname() {
        return export.toString();
    }

    @Override
    public String describe() {
        return "diod (pid " + process.pid() + ") on " + HOST + ":" + port + " exporting " + export;
    }

    /** Stops diod (SIGTERM, then SIGKILL after 5 s) and deletes its log. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
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
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file
        }
    }
}
