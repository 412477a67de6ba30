package io.jnetfs.benchmarks.p9;

import io.jnetfs.peers.Diod;
import io.jnetfs.peers.DiodTools;
import io.jnetfs.peers.PeerMode;
import io.jnetfs.peers.PeerServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The page-cached 1 GiB file the p9 and netfs benchmarks read from diod, its export directory, the diod
 * that serves it (the project's fixture, {@link Diod}, always as a local process: its CPU time is read
 * from {@code /proc} and it can be pinned with {@code taskset}) and the diodcat command that reads it.
 * Loopback only.
 */
public final class BenchFile {
    /** Size of the benchmark file. */
    public static final long FILE_SIZE = 1L << 30;
    /** Name of the benchmark file in the export directory. */
    public static final String FILE_NAME = "read-1g.bin";

    private BenchFile() {
    }

    /**
     * @return the export directory of the benchmarks: {@code p9-export} in the scratch directory
     *     ({@link io.jnetfs.benchmarks.support.Scratch}, kept between runs for reuse; {@code make bench-clean})
     */
    public static Path exportDir() throws IOException {
        return Files.createDirectories(io.jnetfs.benchmarks.support.Scratch.dir().resolve("p9-export"));
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
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
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
     * Starts diod as a local process exporting {@code export} on a free loopback port.
     *
     * @param export the directory to export
     * @return the running diod, which the caller closes
     * @throws IOException where diod is not installed (the reason) or does not start
     */
    public static Diod startDiod(Path export) throws IOException {
        return Diod.builder(export).mode(PeerMode.PROCESS).start();
    }

    /** @return a process's CPU time so far (user + system, all threads), in seconds, from {@code /proc/PID/stat} */
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

    /**
     * The diodcat command that reads the benchmark file once to stdout, one 64 KiB read at a time.
     *
     * @param server the diod exporting {@link #exportDir()}
     * @return the command line
     */
    public static List<String> diodcatCommand(PeerServer server) {
        return List.of(DiodTools.DIODCAT.toString(), "-s", server.host() + ":" + server.port(), "-m", "65536", "-a",
                server.aname(), FILE_NAME);
    }
}
