package io.jnetfs.benchmarks.p9server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two servers compared, each a process of its own on a free loopback port, both exporting the
 * same directory and a {@code ctl} export: diod ({@code diod -f -n -l 127.0.0.1:PORT -e DIR -e ctl -c
 * /dev/null}) and this project's server ({@code java ... io.jnetfs.p9.server.ServeMain DIR --listen
 * 127.0.0.1:0 --ctl}, started from this JVM's class path).
 */
final class Servers {
    /** The only address used. */
    static final String HOST = "127.0.0.1";
    /** Where Debian installs diod. */
    static final Path DIOD = Path.of("/usr/sbin/diod");

    private Servers() {
    }

    /** A server process. */
    static final class Server implements AutoCloseable {
        String name;
        final Process process;
        final int port;
        final Path export;
        final List<String> command;

        Server(String name, Process process, int port, Path export, List<String> command) {
            this.name = name;
            this.process = process;
            this.port = port;
            this.export = export;
            this.command = command;
        }

        /** Renames the server in the tables (a variant). */
        Server named(String n) {
            this.name = n;
            return this;
        }

        /** @return user + system CPU seconds of the process so far (all threads), from /proc */
        double cpuSeconds() {
            return cpuSeconds(process.pid());
        }

        static double cpuSeconds(long pid) {
            try {
                String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }

    /** Starts diod exporting {@code dir} and ctl. */
    static Server diod(Path dir) throws IOException {
        if (!Files.isExecutable(DIOD)) {
            throw new IOException("diod is not installed (apt-get install diod)");
        }
        int port = freePort();
        List<String> cmd = List.of(DIOD.toString(), "-f", "-n", "-l", HOST + ":" + port, "-e", dir.toString(), "-e",
                "ctl", "-c", "/dev/null", "-L", "stderr");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Server s = new Server("diod", p, port, dir, cmd);
        awaitAccepting(s);
        return s;
    }

    /** A variant's argument for the server's JVM rather than for {@code serve}. */
    private static boolean isJvmOption(String arg) {
        return arg.startsWith("-D") || arg.startsWith("-XX:") || arg.startsWith("-Xlog:");
    }

    /** Starts this project's server (a child JVM) exporting {@code dir} and ctl. */
    static Server jnetfs(Path dir, int msize, List<String> extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String e : extra) {
            if (isJvmOption(e)) {
                cmd.add(e);
            }
        }
        extra = extra.stream().filter(e -> !isJvmOption(e)).toList();
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.jnetfs.p9.server.ServeMain", dir.toString(), "--listen", HOST + ":0", "--ctl", "--msize",
                Integer.toString(msize)));
        cmd.removeIf(String::isEmpty);
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher m = line == null ? null : Pattern.compile(" on [0-9.]+:([0-9]+)").matcher(line);
        if (m == null || !m.find()) {
            p.destroyForcibly();
            throw new IOException("jnetfs serve did not start: " + line);
        }
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "serve-stdout");
        drain.setDaemon(true);
        drain.start();
        Server s = new Server("jnetfs", p, Integer.parseInt(m.group(1)), dir, cmd);
        awaitAccepting(s);
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    private static void awaitAccepting(Server s) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(HOST, s.port), 1000);
                return;
            } catch (IOException e) {
                if (!s.process.isAlive() || System.nanoTime() - deadline > 0) {
                    s.close();
                    throw new IOException(s.name + " did not start on port " + s.port, e);
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
}
