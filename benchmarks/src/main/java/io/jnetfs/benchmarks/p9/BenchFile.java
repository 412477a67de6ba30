package io.jnetfs.benchmarks.p9;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A diod process for the p9 benchmarks ({@code diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null -L
 * stderr}) and the page-cached file they read. Loopback only.
 */
public final class Diod implements AutoCloseable {
    /** Where Debian installs diod. */
    public static final Path DIOD = Path.of("/usr/sbin/diod");
    /** Where Debian installs diodcat. */
    public static final Path DIODCAT = Path.of("/usr/sbin/diodcat");
    /** The only address used. */
    public static final String HOST = "127.0.0.1";
    /** Size of the benchmark file. */
    public static final long FILE_SIZE = 1L << 30;
    /** Name of the benchmark file in the export directory. */
    public static final String FILE_NAME = "read-1g.bin";

    private final Process process;
    private final int port;
    private final Path export;

    private Diod(Process process, int port, Path export) {
        this.process = process;
        this.port = port;
        this.export = export;
    }

    /** @return the export directory of the benchmarks: {@code $TMPDIR/jnetfs-p9-bench} (on the root file system) */
    public static Path exportDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "jnetfs-p9-bench"));
    }

    /**
     * Makes sure the 1 GiB file of random data exists in the export and is in the page cache (it is
     * read once), so diod serves it from memory as it serves diodcat.
     *
     * @return the file
     */
    public static Path ensureFile() throws IOException {
        Path f = exportDir().resolve(FILE_NAME);
        if (!Files.exists(f) || Files.size(f) != FILE_SIZE) {
            Path tmp = f.resolveSibling(FILE_NAME + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                SplittableRandom r = new SplittableRandom(9);
                ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
                for (long done = 0; done < FILE_SIZE; done += b.capacity()) {
                    b.clear();
                    while (b.hasRemaining()) {
                        b.putLong(r.nextLong());
                    }
                    b.flip();
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel ch = FileChannel.open(f)) {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(b) > 0) {
                b.clear();
            }
        }
        return f;
    }

    /**
     * Starts diod exporting {@code export} on a free loopback port and waits until it accepts.
     *
     * @return the running diod, which the caller closes
     */
    public static Diod start(Path export) throws IOException {
        if (!Files.isExecutable(DIOD)) {
            throw new IOException("diod is not installed (apt-get install diod)");
        }
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(DIOD.toString(), "-f", "-n", "-l", HOST + ":" + port, "-e",
                export.toAbsolutePath().toString(), "-c", "/dev/null", "-L", "stderr"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Diod d = new Diod(p, port, export.toAbsolutePath());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 1000);
                return d;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                    d.close();
                    throw new IOException("diod did not start on port " + port, e);
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

    /** @return diod's process id */
    public long pid() {
        return process.pid();
    }

    /** @return diod's CPU time so far (user + system, all threads), in seconds */
    public double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** @return a process's CPU time so far (user + system), in seconds, from {@code /proc/PID/stat} */
    public static double cpuSeconds(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat (utime, stime), counted from the state field (3)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** @return diod's port */
    public int port() {
        return port;
    }

    /** @return the exported directory (the aname) */
    public Path export() {
        return export;
    }

    /**
     * The diodcat command that reads the benchmark file once to stdout, one 64 KiB read at a time.
     *
     * @return the command line
     */
    public List<String> diodcatCommand() {
        return List.of(DIODCAT.toString(), "-s", HOST + ":" + port, "-m", "65536", "-a", export.toString(), FILE_NAME);
    }

    /** Stops diod. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
