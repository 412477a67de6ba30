package io.jnetfs.p9.server;

import io.jnetfs.p9.P9Options;
import java.io.IOException;
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
 * A real diod for the comparisons of this package: {@code diod -f -n -l 127.0.0.1:PORT -e DIR [-e ctl]
 * [-o ro] -c /dev/null -L stderr}, on a free loopback port, stopped by {@link #close()}.
 */
final class DiodPeer implements AutoCloseable {
    static final Path DIOD = Path.of("/usr/sbin/diod");
    static final Path DIODCAT = Path.of("/usr/sbin/diodcat");
    static final Path DIODLS = Path.of("/usr/sbin/diodls");
    static final Path DIODLOAD = Path.of("/usr/sbin/diodload");
    static final String UNAVAILABLE = "diod is not installed (apt-get install diod); .ci/run installs it";

    private final Process process;
    private final Path log;
    final int port;
    final Path export;

    private DiodPeer(Process process, Path log, int port, Path export) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.export = export;
    }

    static boolean available() {
        return Files.isExecutable(DIOD) && Files.isExecutable(DIODCAT) && Files.isExecutable(DIODLS)
                && Files.isExecutable(DIODLOAD);
    }

    /**
     * Starts diod and waits until it accepts.
     *
     * @param ctl also export diod's synthetic ctl file system
     * @param readOnly export read-only (a config file {@code exports = { { path="DIR", opts="ro" } }}:
     *     diod 1.0.24 ignores {@code -o ro} for exports given with {@code -e})
     */
    static DiodPeer start(Path export, boolean ctl, boolean readOnly) throws IOException {
        Path dir = export.toAbsolutePath();
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(ServerFixture.HOST, 0));
                port = s.getLocalPort();
            }
            List<String> cmd = new ArrayList<>(List.of(DIOD.toString(), "-f", "-n", "-l", ServerFixture.HOST + ":" + port));
            Path log = Files.createTempFile("diod-" + port + "-", ".log");
            if (readOnly) {
                Path conf = Files.createTempFile("diod-" + port + "-", ".conf");
                conf.toFile().deleteOnExit();
                Files.writeString(conf, "exports = { { path=\"" + dir + "\", opts=\"ro\" } }\n");
                cmd.addAll(List.of("-c", conf.toString()));
            } else {
                cmd.addAll(List.of("-e", dir.toString(), "-c", "/dev/null"));
            }
            if (ctl) {
                cmd.addAll(List.of("-e", "ctl"));
            }
            cmd.addAll(List.of("-L", "stderr"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            DiodPeer d = new DiodPeer(p, log, port, dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ServerFixture.HOST, port), 1000);
                    return d;
                } catch (IOException e) {
                    if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                        last = new IOException("diod did not start on port " + port + ": " + d.log(), e);
                        d.close();
                        break;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", ie);
                    }
                }
            }
        }
        throw last;
    }

    /** Client options to attach the export as root. */
    P9Options.Builder options() {
        return P9Options.builder(ServerFixture.HOST, port).aname(export.toString()).uname("root").nUname(0);
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
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
}
