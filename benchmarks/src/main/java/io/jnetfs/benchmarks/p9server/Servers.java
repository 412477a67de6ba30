package io.jnetfs.benchmarks.p9server;

import io.jnetfs.peers.Diod;
import io.jnetfs.peers.Ganesha;
import io.jnetfs.peers.LoopbackNamespace;
import io.jnetfs.peers.PeerMode;
import io.jnetfs.peers.PeerServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
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
 * same directory and a {@code ctl} export: diod ({@code diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null
 * -e ctl}, the project's fixture {@link Diod} as a local process) and this project's server
 * ({@code java ... io.jnetfs.p9.server.ServeMain DIR --listen 127.0.0.1:0 --ctl}, started from this JVM's
 * class path); with {@code --ganesha}, NFS-Ganesha too ({@link Ganesha}, FSAL_VFS, msize 65536, only in a
 * loopback-only network namespace).
 */
final class Servers {
    /** The only address used. */
    static final String HOST = "127.0.0.1";
    private Servers() {
    }

    /** A server process: a child JVM, or the diod fixture. */
    static final class Server implements AutoCloseable {
        String name;
        private final Process process;
        private final PeerServer diod;
        final int port;
        final Path export;
        /** The aname that attaches the export: its path, Ganesha's tag. */
        final String aname;
        final List<String> command;

        Server(String name, Process process, int port, Path export, List<String> command) {
            this.name = name;
            this.process = process;
            this.diod = null;
            this.port = port;
            this.export = export;
            this.aname = export.toString();
            this.command = command;
        }

        Server(PeerServer peer, List<String> command) {
            this.name = peer.name();
            this.process = null;
            this.diod = peer;
            this.port = peer.port();
            this.export = peer.export();
            this.aname = peer.aname();
            this.command = command;
        }

        /** @return whether diod's C tools (diodcat, diodload) work against it: not Ganesha's dialect */
        boolean takesDiodTools() {
            return !name.equals(Ganesha.FEATURE);
        }

        /** @return the server's process id */
        long pid() {
            return diod != null ? diod.pid() : process.pid();
        }

        /** @return whether it still runs */
        boolean isAlive() {
            return diod != null ? diod.isAlive() : process.isAlive();
        }

        /** Renames the server in the tables (a variant). */
        Server named(String n) {
            this.name = n;
            return this;
        }

        /** @return user + system CPU seconds of the process so far (all threads), from /proc */
        double cpuSeconds() {
            return cpuSeconds(pid());
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
            if (diod != null) {
                diod.close();
                return;
            }
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
        Diod d = Diod.builder(dir).mode(PeerMode.PROCESS).ctl(true).start();
        return new Server(d, d.command());
    }

    /** Starts NFS-Ganesha exporting {@code dir} (FSAL_VFS, msize 65536), where this JVM's namespace has only lo. */
    static Server ganesha(Path dir) throws IOException {
        String why = LoopbackNamespace.unavailableReason();
        if (why == null) {
            why = Ganesha.unavailableReason();
        }
        if (why != null) {
            throw new IllegalStateException("--ganesha: " + why);
        }
        Ganesha g = Ganesha.start(dir);
        return new Server(g, List.of(Ganesha.GANESHA.toString(), "-F", "-f", "ganesha.conf:", g.config().replace('\n', ' ')));
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

    private static void awaitAccepting(Server s) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(HOST, s.port), 1000);
                return;
            } catch (IOException e) {
                if (!s.isAlive() || System.nanoTime() - deadline > 0) {
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
