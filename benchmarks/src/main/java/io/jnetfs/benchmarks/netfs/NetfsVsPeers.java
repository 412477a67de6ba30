package io.jnetfs.benchmarks.netfs;

import io.jnetfs.benchmarks.p9.BenchFile;
import io.jnetfs.benchmarks.p9.WholeFileReader;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.NetfsStats;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.netfs.P9File;
import io.jnetfs.p9.netfs.P9Netfs;
import io.jnetfs.peers.Ganesha;
import io.jnetfs.peers.LoopbackNamespace;
import io.jnetfs.peers.PeerServer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The netfs engine against its peers, in one run, round by round so every ratio compares figures taken
 * under the same machine load (issues 7 and 8):
 *
 * <ul>
 *   <li>cold read of a 1 GiB file through the engine (from diod, filling the disk cache) against the
 *       raw p9 client reading it with the same number of reads in flight: the engine must add no loss;</li>
 *   <li>warm read through the engine (empty page cache, full disk cache: no Tread) against fio reading
 *       the cache file directly ({@code --iomem_align=4096}): goal 0.8x;</li>
 *   <li>sequential 1 GiB write through the engine (page cache, writeback, fsync) against the raw p9
 *       client's pipelined Twrites of the same data: goal 0.9x.</li>
 * </ul>
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.jnetfs.benchmarks.netfs.NetfsVsPeers [--rounds N] [--warmup N] [--inflight N] [--cold-only] [--pin 0:1]
 *     [--server diod|ganesha]
 * </pre>
 *
 * <p>{@code --server ganesha} runs the same rows against NFS-Ganesha over the same directory (FSAL_VFS,
 * msize 65536), only inside a network namespace with nothing but {@code lo} ({@link LoopbackNamespace}):
 * {@code unshare --net -- sh -c 'ip link set lo up && java ... NetfsVsPeers --server ganesha'}.
 */
public final class NetfsVsPeers {
    private static final long SIZE = BenchFile.FILE_SIZE;

    private NetfsVsPeers() {
    }

    /** One round's figures in MB/s. */
    record Round(double rawRead, double inPlace, double rawRing, double noCache, double cold, double warm, double fio,
                 double rawWrite, double write, double rawFull, double rawBatched, double rawRingBatched,
                 double rawKeep, double clientRead) {
    }

    /**
     * @param args {@code --rounds N} (default 3), {@code --warmup N} uncounted rounds first (default 6),
     *     {@code --inflight N} (default 16), {@code --cold-only}
     *     (the raw client and the engine without disk cache only, for profiling), {@code --only 0,5} (with
     *     {@code --cold-only}: only these readers, numbered as printed), {@code --readahead 4,32} (the
     *     engine's readahead window, initial and largest, MiB), {@code --pin 0:1} (this JVM on the CPUs
     *     before the colon, diod on those after it, as {@code taskset -c} lists: client and server each
     *     with cores of their own, as on two machines)
     */
    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int inflight = 16;
        boolean coldOnly = false; // only the raw client and the engine without disk cache (profiling)
        // rounds run first and not counted: the JIT compiles both sides' paths and the shared pool maps
        // its memory (a long-running server's state; JMH's warm-up iterations do the same)
        // three: the engine has more code than the raw client, and C2 compiled its collection path only in
        // the third to seventh 1 GiB read of a process (-XX:+PrintCompilation); earlier rounds measured
        // tier-3 code with profiling (up to twice the CPU per GiB). Six: with three, an engine row still
        // had a round at 0.3-0.6 CPU-s/GiB in about half the runs (2026-11-26)
        int warmup = 6;
        String only = null; // with --cold-only: the readers to run, by number (0-11, as printed), e.g. "5,7"
        String[] pin = null; // client and server CPU lists
        String server = "diod";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--inflight" -> inflight = Integer.parseInt(args[++i]);
                case "--cold-only" -> coldOnly = true;
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--server" -> server = args[++i];
                case "--pin" -> {
                    pin = args[++i].split(":");
                    if (pin.length != 2 || pin[0].isEmpty() || pin[1].isEmpty()) {
                        throw new IllegalArgumentException("--pin wants CLIENT_CPUS:SERVER_CPUS, e.g. 0:1, not " + args[i]);
                    }
                }
                case "--readahead" -> {
                    String[] mib = args[++i].split(",");
                    readaheadInitial = Long.parseLong(mib[0]) << 20;
                    readaheadMax = Long.parseLong(mib[1]) << 20;
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (pin != null) {
            // every thread this JVM has now; threads started later inherit their creator's CPUs, and so
            // does diod, which is moved to its own CPUs as soon as it runs
            taskset(pin[0], ProcessHandle.current().pid());
        }
        Path export = BenchFile.exportDir();
        BenchFile.ensureFile();
        Path cacheDir = Files.createTempDirectory("jnetfs-bench-cache-");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        List<Round> results = new ArrayList<>();
        // 3 GiB, mapped as used: the engine's 1 GiB page cache (256 KiB folios) and the raw client's
        // 1 GiB kept file (2 MiB folios) take folios of different sizes, which the pool does not split
        try (PeerServer diod = startServer(server, export); FolioPool pool = new FolioPool(3L << 30)) {
            if (pin != null) {
                taskset(pin[1], diod.pid()); // before the first connection: its threads inherit
            }
            P9Options opts = P9Options.builder(diod.host(), diod.port()).aname(diod.aname()).uname("root")
                    .pool(pool).build();
            for (int r = -warmup; r < rounds; r++) {
                if (coldOnly) {
                    coldOnly(opts, inflight, pool, diod, r + 1, only);
                    continue;
                }
                // the raw client reads with the engine's Treads (whole pages, P9Client.transferSize); rawFull
                // with the largest a Tread carries (msize - 24), unaligned after the first
                double raw = rawRead(opts, inflight, pool, WholeFileReader.Delivery.ITER, true, 1);
                double inPlace = engineRead(opts, null, inflight, new Path[1], "inplace");
                double rawRing = rawRead(opts, inflight, pool, WholeFileReader.Delivery.RING, true, 1);
                double rawFull = rawRead(opts, inflight, pool, WholeFileReader.Delivery.ITER, false, 1);
                // and with the engine's refill policy: a quarter of the places at a time, in one sendmsg,
                // while further replies are already arriving; else each place at once
                double rawBatched = rawRead(opts, inflight, pool, WholeFileReader.Delivery.ITER, true,
                        Math.max(1, inflight / 4));
                double rawRingBatched = rawRead(opts, inflight, pool, WholeFileReader.Delivery.RING, true,
                        Math.max(1, inflight / 4));
                double rawKeep = rawRead(opts, inflight, pool, WholeFileReader.Delivery.KEEP, true,
                        Math.max(1, inflight / 4));
                double clientRead = clientRead(opts, inflight);
                double noCache = engineRead(opts, null, inflight, new Path[1], "nocache");
                CacheFiles cache = new CacheFiles(cacheDir, 256 << 10, OccupancyMethod.AUTO, writer);
                cache.clear();
                Path[] cacheFile = new Path[1];
                double cold = engineRead(opts, cache, inflight, cacheFile, "cold");
                double warm = engineRead(opts, cache, inflight, cacheFile, "warm");
                double fio = fio(cacheFile[0]);
                double rawW = rawWrite(opts, export);
                double w = engineWrite(opts, export, inflight);
                Round rr = new Round(raw, inPlace, rawRing, noCache, cold, warm, fio, rawW, w, rawFull, rawBatched,
                        rawRingBatched, rawKeep, clientRead);
                if (r >= 0) {
                    results.add(rr);
                }
                System.err.printf(Locale.ROOT, "%s %d: %s%n", r < 0 ? "warm-up round" : "round", r < 0 ? r + warmup + 1 : r + 1,
                        rr);
            }
        } finally {
            writer.shutdownNow();
            try (var s = Files.walk(cacheDir)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
        if (!results.isEmpty()) {
            print(results, inflight);
        }
    }

    /**
     * Starts the server the rows read from and write to: diod (the default), or NFS-Ganesha over the same
     * directory, where this JVM runs in a loopback-only network namespace.
     */
    private static PeerServer startServer(String name, Path export) throws IOException {
        return switch (name) {
            case "diod" -> BenchFile.startDiod(export);
            case "ganesha" -> {
                String why = LoopbackNamespace.unavailableReason();
                if (why == null) {
                    why = Ganesha.unavailableReason();
                }
                if (why != null) {
                    throw new IllegalStateException("--server ganesha: " + why);
                }
                System.err.println("server: NFS-Ganesha/VFS, msize " + Ganesha.MSIZE);
                yield Ganesha.start(export);
            }
            default -> throw new IllegalArgumentException("--server " + name + ": expected diod or ganesha");
        };
    }

    /**
     * The raw client reading the file once.
     *
     * @param pageAligned Treads of {@link P9Client#transferSize} (as the engine's subrequests), else of
     *     {@code msize - 24}
     * @param refillBatch free slots issued together in one sendmsg (1: each at once)
     */
    private static double rawRead(P9Options opts, int inflight, FolioPool pool, WholeFileReader.Delivery delivery,
                                  boolean pageAligned, int refillBatch) throws IOException {
        try (P9Client c = P9Client.connect(opts); Fid f = c.open(BenchFile.FILE_NAME, P9Flags.P9_DOTL_RDONLY);
             WholeFileReader rd = new WholeFileReader(c, f, SIZE, inflight, delivery, pool,
                     pageAligned ? c.transferSize(f) : c.ioSize(f), refillBatch)) {
            long t0 = System.nanoTime();
            long n = rd.readAll();
            return mbps(n, System.nanoTime() - t0);
        }
    }

    /**
     * The p9 client's own API reading the file into a 4 MiB buffer, 4 MiB per call, with {@code
     * inflight} Treads in flight in each call ({@link P9Options#window()}): what a program gets from the
     * client without an engine. Each call waits for its last Tread, so the pipe drains at every 4 MiB.
     */
    private static double clientRead(P9Options opts, int inflight) throws IOException {
        P9Options o = P9Options.builder(opts.host(), opts.port()).aname(opts.aname()).uname(opts.uname())
                .pool(opts.pool()).window(inflight).build();
        try (P9Client c = P9Client.connect(o); Fid f = c.open(BenchFile.FILE_NAME, P9Flags.P9_DOTL_RDONLY);
             Arena a = Arena.ofShared()) {
            MemorySegment buf = a.allocate(4 << 20, 4096);
            long t0 = System.nanoTime();
            long done = 0;
            while (done < SIZE) {
                long got = c.read(f, done, buf);
                if (got <= 0) {
                    throw new IOException("P9Client.read ended early at " + done);
                }
                done += got;
            }
            return mbps(done, System.nanoTime() - t0);
        }
    }

    /** One row at a time with the CPU seconds it cost this JVM and diod: where a cold read's time goes. */
    private static void coldOnly(P9Options opts, int inflight, FolioPool pool, PeerServer diod, int round, String only)
            throws IOException {
        String[] names = {"raw p9, 16 slot buffers, msize-24 Treads", "raw p9, into a 4 MiB buffer, msize-24", "netfs buffered read",
                "netfs buffered read, DONTCACHE", "netfs direct read", "netfs zero-copy read (folio views)",
                "netfs zero-copy read, DONTCACHE", "raw p9, 16 slot buffers, page-aligned Treads",
                "raw p9, page-aligned, refilled as the engine", "raw p9, into a 4 MiB buffer, refilled as the engine",
                "raw p9, the file kept (1 GiB), refilled as the engine", "P9Client.read into a 4 MiB buffer"};
        for (int i = 0; i < names.length; i++) {
            if (only != null && !List.of(only.split(",")).contains(Integer.toString(i))) {
                continue;
            }
            long self = ProcessHandle.current().pid();
            double c0 = BenchFile.cpuSeconds(self);
            double d0 = BenchFile.cpuSeconds(diod.pid());
            double mbps = switch (i) {
                case 0 -> rawRead(opts, inflight, pool, WholeFileReader.Delivery.ITER, false, 1);
                case 1 -> rawRead(opts, inflight, pool, WholeFileReader.Delivery.RING, false, 1);
                case 2 -> engineRead(opts, null, inflight, new Path[1], "nocache");
                case 3 -> engineRead(opts, null, inflight, new Path[1], "dontcache");
                case 5 -> engineRead(opts, null, inflight, new Path[1], "inplace");
                case 6 -> engineRead(opts, null, inflight, new Path[1], "inplace-dontcache");
                case 7 -> rawRead(opts, inflight, pool, WholeFileReader.Delivery.ITER, true, 1);
                case 8 -> rawRead(opts, inflight, pool, WholeFileReader.Delivery.ITER, true, Math.max(1, inflight / 4));
                case 9 -> rawRead(opts, inflight, pool, WholeFileReader.Delivery.RING, true, Math.max(1, inflight / 4));
                case 10 -> rawRead(opts, inflight, pool, WholeFileReader.Delivery.KEEP, true, Math.max(1, inflight / 4));
                case 11 -> clientRead(opts, inflight);
                default -> engineRead(opts, null, inflight, new Path[1], "direct");
            };
            System.err.printf(Locale.ROOT, "round %d: [%d] %-36s %6.0f MB/s  cpu-s per GiB: jvm %.2f, diod %.2f; pool %d MiB mapped, %d leased%n",
                    round, i, names[i], mbps, BenchFile.cpuSeconds(self) - c0, BenchFile.cpuSeconds(diod.pid()) - d0,
                    pool.capacityBytes() >> 20, pool.leasedBytes() >> 20);
        }
    }

    /**
     * An engine with an empty page cache on the process's one pool, which the raw client's receive
     * buffers come from too: like a long-running server, neither side maps fresh memory per run.
     */
    private static long readaheadInitial = 4 << 20;
    private static long readaheadMax = 32 << 20;

    private static Netfs netfs(FolioPool pool) {
        return new Netfs(Netfs.Config.defaults().withMemory(1L << 30, 512L << 20).withFolioSize(256 << 10)
                .withReadahead(readaheadInitial, readaheadMax).withTimeout(60, TimeUnit.SECONDS), pool);
    }

    private static double engineRead(P9Options opts, CacheFiles cache, int inflight, Path[] cacheFile, String phase)
            throws IOException {
        try (P9Client c = P9Client.connect(opts); Netfs n = netfs(opts.pool());
             P9File f = new P9Netfs(c, n, cache, "bench://" + opts.port(), inflight).open(BenchFile.FILE_NAME, false);
             Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4 << 20, 4096);
            long t0 = System.nanoTime();
            long done = 0;
            while (done < SIZE) {
                long got = switch (phase) {
                    case "direct" -> f.netfs().readDirect(done, buf);
                    case "dontcache" -> f.read(done, buf, NetfsFile.READ_DONTCACHE);
                    case "inplace" -> f.read(done, buf.byteSize(), 0, SINK);
                    case "inplace-dontcache" -> f.read(done, buf.byteSize(), NetfsFile.READ_DONTCACHE, SINK);
                    default -> f.read(done, buf);
                };
                if (got <= 0) {
                    throw new IOException(phase + " read ended early at " + done);
                }
                done += got;
            }
            long t = System.nanoTime() - t0;
            if (f.cacheFile() != null) {
                f.cacheFile().drain();
                cacheFile[0] = f.cacheFile().path();
            }
            NetfsStats s = n.stats();
            if (phase.equals("warm") && s.readRpcs() != 0) {
                System.err.println("warning: the warm read sent " + s.readRpcs() + " read RPCs");
            }
            System.err.println(phase + ": " + s);
            return mbps(done, t);
        }
    }

    /** Moves every thread of {@code pid} to {@code cpus} (a {@code taskset -c} list). */
    private static void taskset(String cpus, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("taskset -a -p -c " + cpus + " " + pid + " failed: " + out.strip());
        }
    }

    private static double fio(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("fio", "--name=warm", "--filename=" + file, "--rw=read", "--bs=1M",
                "--ioengine=psync", "--iomem_align=4096", "--size=" + SIZE, "--output-format=json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("fio failed: " + out);
        }
        Matcher m = Pattern.compile("\"bw_bytes\"\\s*:\\s*(\\d+)").matcher(out);
        if (!m.find()) {
            throw new IOException("no bw_bytes in fio output");
        }
        return Long.parseLong(m.group(1)) / 1e6;
    }

    private static double rawWrite(P9Options opts, Path export) throws IOException {
        try (P9Client c = P9Client.connect(opts); Arena a = Arena.ofConfined()) {
            MemorySegment chunk = a.allocate(16 << 20, 4096).fill((byte) 7);
            try (Fid dir = c.walk(c.root()); Fid f = c.create(dir, "w-raw.bin", P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_TRUNC, 0644)) {
                long t0 = System.nanoTime();
                for (long off = 0; off < SIZE; off += chunk.byteSize()) {
                    c.write(f, off, chunk);
                }
                c.fsync(f, false);
                return mbps(SIZE, System.nanoTime() - t0);
            } finally {
                Files.deleteIfExists(export.resolve("w-raw.bin"));
            }
        }
    }

    private static double engineWrite(P9Options opts, Path export, int inflight) throws IOException {
        try (P9Client c = P9Client.connect(opts); Netfs n = netfs(opts.pool()); Arena a = Arena.ofConfined()) {
            MemorySegment chunk = a.allocate(16 << 20, 4096).fill((byte) 7);
            try {
                long t0 = System.nanoTime();
                try (P9File f = new P9Netfs(c, n, null, "bench", inflight).create("w-engine.bin", 0644)) {
                    for (long off = 0; off < SIZE; off += chunk.byteSize()) {
                        f.write(off, chunk);
                    }
                    f.fsync();
                }
                long t = System.nanoTime() - t0;
                System.err.println("write: " + n.stats());
                return mbps(SIZE, t);
            } finally {
                Files.deleteIfExists(export.resolve("w-engine.bin"));
            }
        }
    }

    /** Takes the page-cache memory a zero-copy read hands over and drops it, as the raw client's slots do. */
    private static final NetfsFile.FolioReader SINK = (folio, offset, length) -> { };

    private static double mbps(long bytes, long nanos) {
        return bytes / (nanos / 1e9) / 1e6;
    }

    private static void print(List<Round> rs, int inflight) {
        System.out.printf(Locale.ROOT, "| benchmark | jnetfs MB/s | peer | peer MB/s | ratio | goal |%n");
        System.out.printf(Locale.ROOT, "|---|--:|---|--:|--:|---|%n");
        row(rs, "netfs cold read 1 GiB, zero-copy (page-cache folio views), no disk cache, " + inflight + " in flight",
                Round::inPlace, "raw p9 client, " + inflight + " reused 64 KiB buffers, the same page-aligned Treads",
                Round::rawRead, 1.0);
        row(rs, "netfs cold read 1 GiB into a 4 MiB buffer (copied out of the page cache), no disk cache",
                Round::noCache, "P9Client.read into a 4 MiB buffer, 4 MiB per call, " + inflight + " Treads in flight"
                        + " (the client's own API)", Round::clientRead, 1.0);
        row(rs, "netfs cold read 1 GiB into a 4 MiB buffer (as above)",
                Round::noCache, "raw p9 client into a 4 MiB buffer, " + inflight + " in flight, the same Treads, each"
                        + " refilled as it ends", Round::rawRing, Double.NaN);
        row(rs, "netfs cold read 1 GiB, zero-copy (as above)", Round::inPlace,
                "raw p9 client, the same Treads, refilled as the engine does (" + Math.max(1, inflight / 4)
                        + " at a time in one sendmsg while replies pile up)", Round::rawBatched, Double.NaN);
        row(rs, "netfs cold read 1 GiB, zero-copy (as above: the file stays in the page cache)", Round::inPlace,
                "raw p9 client, the same Treads and refill, each landing at its own place in a 1 GiB region (the"
                        + " file kept in memory)", Round::rawKeep, Double.NaN);
        row(rs, "netfs cold read 1 GiB into a 4 MiB buffer (as above)", Round::noCache,
                "raw p9 client into a 4 MiB buffer, the same Treads, refilled as the engine does",
                Round::rawRingBatched, Double.NaN);
        row(rs, "netfs cold read 1 GiB, zero-copy (as above)", Round::inPlace,
                "raw p9 client, " + inflight + " reused 64 KiB buffers, Treads of msize - 24 (unaligned)",
                Round::rawFull, Double.NaN);
        row(rs, "netfs cold read 1 GiB into a 4 MiB buffer, filling the disk cache", Round::cold,
                "raw p9 client into a 4 MiB buffer", Round::rawRing, Double.NaN);
        row(rs, "netfs warm read 1 GiB (disk cache, 0 Tread)", Round::warm, "fio psync 1M on the cache file",
                Round::fio, 0.8);
        row(rs, "netfs sequential write 1 GiB + fsync", Round::write, "raw p9 pipelined Twrites + Tfsync",
                Round::rawWrite, 0.9);
        System.out.printf(Locale.ROOT, "%nMB/s: median of %d rounds; ratio: median of the rounds' own ratios (both"
                + " measured under the same load); each round measures every row once%n", rs.size());
    }

    private static void row(List<Round> rs, String name, java.util.function.ToDoubleFunction<Round> jnetfs, String peer,
                            java.util.function.ToDoubleFunction<Round> peerValue, double goal) {
        double ratio = median(rs.stream().mapToDouble(r -> jnetfs.applyAsDouble(r) / peerValue.applyAsDouble(r)).toArray());
        String g = Double.isNaN(goal) ? "-" : String.format(Locale.ROOT, ">= %.1f %s", goal, ratio >= goal ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "| %s | %.0f | %s | %.0f | %.2f | %s |%n", name,
                median(rs.stream().mapToDouble(jnetfs).toArray()), peer, median(rs.stream().mapToDouble(peerValue).toArray()),
                ratio, g);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
