package io.jnetfs.cli;

import io.jnetfs.p9.netfs.P9File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jnetfs demo}: the main job, end to end on this machine. Starts a 9P server on 127.0.0.1
 * exporting a temporary directory, then in three phases, each with a fresh connection and engine:
 *
 * <pre>
 *   write   SIZE bytes of generated data through the engine (writeback, Twrite, Tfsync), no cache
 *   cold    read them back with an empty disk cache: from the server, filling the cache
 *   warm    read them again: from the disk cache, no read RPC
 * </pre>
 *
 * checks that the three CRC32C checksums match, prints a table of throughput and counters per phase,
 * and stops the server and removes the directory.
 */
@Command(name = "demo", sortOptions = false,
        description = {"The main job: write, read cold and read warm a file through a 9P server on loopback.",
            "Starts a 9P server on 127.0.0.1 exporting a temporary directory, writes a file through jnetfs, reads it "
                + "cold (from the server, filling the disk cache) and warm (from the cache), checks the checksums, "
                + "prints throughput and counters per phase, and stops the server. The demo uses its own temporary "
                + "cache directory; diod is installed with apt-get when missing (as root)."})
final class DemoCommand extends Subcommand {
    private static final int CHUNK = 4 << 20;
    private static final String FILE = "demo.bin";

    @Option(names = "--server", paramLabel = "KIND", description = "The server: java (jnetfs serve, the default) or diod.")
    DemoServer.Kind server = DemoServer.Kind.JAVA;

    @Option(names = "--size", paramLabel = "BYTES", converter = CommonOptions.SizeConverter.class,
            description = "How much to write and read back. Default: 256M.")
    long size = 256L << 20;

    @Option(names = "--keep", description = "Keep the temporary directory (export and cache) afterwards.")
    boolean keep;

    /** One phase's result. */
    record Phase(String name, long bytes, long nanos, long checksum, Map<String, Long> counters) {
        long counter(String k) {
            return counters.getOrDefault(k, 0L);
        }
    }

    @Override
    int execute(Run run) throws Exception {
        if (size < 1 || size > (1L << 40)) {
            throw CommandFailure.usage("invalid --size=" + size + " (1 .. 1T)");
        }
        PrintWriter out = run.out();
        Path dir = Files.createTempDirectory("jnetfs-demo-");
        Path export = Files.createDirectory(dir.resolve("export"));
        Path cache = dir.resolve("cache");
        DemoServer[] started = new DemoServer[1];
        Thread cleanup = new Thread(() -> stop(started[0], dir), "jnetfs-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C: the server must not outlive us
        try {
            out.println("jnetfs demo: " + Sizes.format(size) + " through the netfs engine and a " + server.name().toLowerCase(Locale.ROOT)
                    + " server on loopback");
            out.flush();
            started[0] = DemoServer.start(server, export, out);
            DemoServer s = started[0];
            Settings base = run.settings();
            Settings noCache = base.with(s.aname(), null);
            Settings withCache = base.with(s.aname(), cache);
            out.println("server: " + s.describe());
            List<Phase> phases = new ArrayList<>();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(CHUNK, 4096);
                phases.add(write(s, noCache, buffer, out));
                CacheCommand.clear(cache);
                phases.add(read("cold", s, withCache, buffer));
                phases.add(read("warm", s, withCache, buffer));
            }
            out.println("client: transport " + base.transportToUse() + ", msize asked " + base.msize() + ", "
                    + base.inflight() + " RPCs in flight, cache " + cache);
            out.println();
            out.print(table(phases));
            out.println();
            return verdict(phases, out);
        } finally {
            stop(started[0], keep ? null : dir);
            if (keep) {
                out.println("kept " + dir);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    private Phase write(DemoServer s, Settings settings, MemorySegment buffer, PrintWriter out) throws IOException {
        byte[] seed = new byte[CHUNK];
        new SplittableRandom(9).nextBytes(seed);
        CRC32C crc = new CRC32C();
        try (RemoteSession session = RemoteSession.open(s.host(), s.port(), settings)) {
            out.println("connected: msize " + session.client().msize() + " granted, " + session.client().transportKind());
            out.flush();
            long t0 = System.nanoTime();
            P9File f;
            try {
                f = session.fs().create(FILE, 0644);
            } catch (IOException e) {
                throw CommandFailure.of(session.server() + "/" + FILE, e);
            }
            try (f) {
                for (long pos = 0; pos < size; pos += CHUNK) {
                    int n = (int) Math.min(CHUNK, size - pos);
                    MemorySegment chunk = buffer.asSlice(0, n);
                    fill(chunk, seed, pos);
                    crc.update(chunk.asByteBuffer());
                    f.write(pos, chunk);
                }
                f.fsync();
            } catch (IOException e) {
                throw CommandFailure.of(session.server() + "/" + FILE, e);
            }
            long nanos = System.nanoTime() - t0;
            Map<String, Long> c = new LinkedHashMap<>();
            session.addCounters(c);
            return new Phase("write", size, nanos, crc.getValue(), c);
        }
    }

    private Phase read(String name, DemoServer s, Settings settings, MemorySegment buffer) throws IOException {
        CRC32C crc = new CRC32C();
        try (RemoteSession session = RemoteSession.open(s.host(), s.port(), settings)) {
            long t0 = System.nanoTime();
            long pos = 0;
            try (P9File f = session.fs().open(FILE, false)) {
                while (true) {
                    long n = f.read(pos, buffer);
                    if (n <= 0) {
                        break;
                    }
                    crc.update(buffer.asSlice(0, n).asByteBuffer());
                    pos += n;
                }
            } catch (IOException e) {
                throw CommandFailure.of(session.server() + "/" + FILE, e);
            }
            long nanos = System.nanoTime() - t0; // includes the close: the cache writes of a cold read are drained
            Map<String, Long> c = new LinkedHashMap<>();
            session.addCounters(c);
            return new Phase(name, pos, nanos, crc.getValue(), c);
        }
    }

    /**
     * Fills a chunk with the seed block, each 4 KiB page stamped with its file offset (so no two pages
     * are equal and a misplaced page fails the checksum).
     */
    private static void fill(MemorySegment chunk, byte[] seed, long pos) {
        MemorySegment.copy(MemorySegment.ofArray(seed), 0, chunk, 0, chunk.byteSize());
        for (long off = 0; off + 8 <= chunk.byteSize(); off += 4096) {
            chunk.set(ValueLayout.JAVA_LONG_UNALIGNED, off, pos + off);
        }
    }

    /**
     * The table: one row per phase.
     *
     * @param phases the phases
     * @return the text
     */
    static String table(List<Phase> phases) {
        String[] head = {"phase", "MiB/s", "seconds", "from server", "from cache", "to server", "read RPCs",
            "write RPCs", "sendmsg calls"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (Phase p : phases) {
            rows.add(new String[] {p.name(), String.format(Locale.ROOT, "%.1f", Sizes.mibPerSecond(p.bytes(), p.nanos())),
                String.format(Locale.ROOT, "%.3f", p.nanos() / 1e9), mib(p.counter("bytes_from_server")),
                mib(p.counter("bytes_from_cache")), mib(p.counter("bytes_to_server")),
                Long.toString(p.counter("read_rpcs")), Long.toString(p.counter("write_rpcs")),
                Long.toString(p.counter("sendmsg_calls"))});
        }
        int[] w = new int[head.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int ri = 0; ri < rows.size(); ri++) {
            String[] r = rows.get(ri);
            for (int i = 0; i < r.length; i++) {
                String cell = i == 0 ? r[i] + " ".repeat(w[i] - r[i].length()) : " ".repeat(w[i] - r[i].length()) + r[i];
                b.append(i == 0 ? "" : "  ").append(cell);
            }
            b.append('\n');
            if (ri == 0) {
                for (int i = 0; i < w.length; i++) {
                    b.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** Checks the checksums and that the warm read came from the cache; says so. */
    private int verdict(List<Phase> phases, PrintWriter out) throws CommandFailure {
        Phase w = phases.get(0);
        for (Phase p : phases) {
            if (p.bytes() != size || p.checksum() != w.checksum()) {
                throw CommandFailure.of(FILE, "checksum mismatch: " + p.name() + " read " + p.bytes() + " bytes, crc32c 0x"
                        + Long.toHexString(p.checksum()) + "; written " + size + " bytes, crc32c 0x"
                        + Long.toHexString(w.checksum()), ExitCodes.IO);
            }
        }
        out.println("checksums match: crc32c 0x" + Long.toHexString(w.checksum()) + " for write, cold and warm ("
                + Sizes.format(size) + " each)");
        Phase warm = phases.get(2);
        if (warm.counter("read_rpcs") != 0 || warm.counter("bytes_from_cache") != size) {
            out.println("note: the warm read was not wholly served by the disk cache (" + warm.counter("bytes_from_cache")
                    + " bytes from the cache, " + warm.counter("read_rpcs") + " read RPCs)");
        }
        return ExitCodes.OK;
    }

    private static void stop(DemoServer s, Path dir) {
        if (s != null) {
            s.close();
        }
        if (dir != null) {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temporary directory: what is left is in /tmp
        }
    }
}
