package io.jnetfs.benchmarks.harness;

import io.jnetfs.benchmarks.facts.MemcpyBenchmark;
import io.jnetfs.benchmarks.facts.SyscallBenchmark;
import io.jnetfs.peers.Diod;
import io.jnetfs.peers.DiodTools;
import io.jnetfs.peers.PeerMode;

import org.openjdk.jmh.util.ListStatistics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine facts the README's performance section quotes, measured in the same run as the
 * benchmarks: memory copy bandwidth, the cost of a system call, loopback TCP bandwidth, cached 4 KiB
 * random reads with fio's io_uring engine at its best, and diodcat reading from diod.
 *
 * <p>Every fact that needs a server (iperf3, diod) starts it on 127.0.0.1 as a child process and
 * stops that process (by its handle) before moving on.
 */
final class MachineFacts {
    /** The JMH benchmark behind the Java memcpy fact. */
    static final String MEMCPY_JMH = Row.benchmark(MemcpyBenchmark.class, "segmentCopy");
    /** The JMH benchmark behind the Java system call fact. */
    static final String GETPID_JMH = Row.benchmark(SyscallBenchmark.class, "getpid");
    /** The JMH benchmarks the facts need: included in the run when facts are asked for. */
    static final String JMH_INCLUDE = "io\\.jnetfs\\.benchmarks\\.facts\\.";

    private static final long FIO_FILE_BYTES = 256L << 20;
    private static final long DIOD_FILE_BYTES = 1L << 30;

    /**
     * One fact.
     *
     * @param name what is measured
     * @param measure the figure, or null if it could not be measured
     * @param problem why not, or null
     * @param reference the figure the issue quotes for its machine
     * @param how the tool and the exact command or benchmark
     */
    record Fact(String name, Measure measure, String problem, String reference, String how) {
        /** {@return the fact for the results file} */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            if (measure != null) {
                m.put("value", measure.value());
                m.put("error", measure.error());
                m.put("unit", measure.unit().symbol());
            }
            m.put("problem", problem);
            m.put("reference", reference);
            m.put("how", how);
            return m;
        }
    }

    /** A probe's figure and how it was taken. */
    private record Measured(Measure measure, String how) {
    }

    private interface Probe {
        Measured measure() throws IOException, InterruptedException;
    }

    private MachineFacts() {
    }

    /**
     * Measures every fact; a fact that fails is reported with its reason, the others still run.
     *
     * @param jmh the run's JMH results (for the facts benchmarks)
     * @param ctx the peer context
     * @return the facts, in table order
     * @throws InterruptedException if interrupted
     */
    static List<Fact> measure(List<JmhResult> jmh, PeerContext ctx) throws InterruptedException {
        List<Fact> facts = new ArrayList<>();
        add(facts, ctx, "memcpy 64 MiB, Java MemorySegment.copy", "about 5.8 GB/s", () -> memcpyJava(jmh));
        add(facts, ctx, "memcpy 64 MiB, C memcpy", "about 5.8 GB/s", () -> c(ctx,
                Peer.c("C memcpy", "memcpy_loop", (p, c) -> List.of("--bytes", Long.toString(64L << 20)),
                        CPeer.Metric.BYTES_PER_S)));
        add(facts, ctx, "system call (getpid), Java via Native", "about 240 ns", () -> jmh(jmh, GETPID_JMH));
        add(facts, ctx, "system call (getpid), C", "about 240 ns", () -> c(ctx,
                Peer.c("C getpid", "getpid_loop", (p, c) -> List.of(), CPeer.Metric.NS_PER_CALL)));
        add(facts, ctx, "loopback TCP, iperf3", "about 4.5 GB/s", () -> iperf3(ctx));
        add(facts, ctx, "loopback TCP, C sendmsg 16 x 64 KiB", "about 4.5 GB/s (iperf3)", () -> c(ctx,
                Peer.c("C sendmsg", "sendmsg_loop", (p, c) -> List.of("--mode", "one", "--iovcnt", "16",
                        "--iovlen", "65536", "--nodelay", "0"), CPeer.Metric.BYTES_PER_S)));
        add(facts, ctx, "cached 4 KiB random reads, fio io_uring at its best", "about 630k IOPS",
                () -> fioBest(ctx));
        add(facts, ctx, "diodcat reading a cached 1 GiB file from diod", "about 1.0 GB/s", () -> diodcat(ctx));
        return facts;
    }

    private static void add(List<Fact> facts, PeerContext ctx, String name, String reference, Probe probe)
            throws InterruptedException {
        ctx.log("machine fact: " + name);
        try {
            Measured m = probe.measure();
            ctx.log("  " + m.measure().display());
            facts.add(new Fact(name, m.measure(), null, reference, m.how()));
        } catch (IOException | RuntimeException e) {
            ctx.log("  failed: " + e.getMessage());
            facts.add(new Fact(name, null, String.valueOf(e.getMessage()), reference, ""));
        }
    }

    private static Measured memcpyJava(List<JmhResult> jmh) throws IOException {
        JmhResult r = find(jmh, MEMCPY_JMH);
        double bytes = Double.parseDouble(r.params().get("bytes"));
        double ns = r.measure().value();
        double rate = bytes * 1e9 / ns;
        Measure m = new Measure(rate, rate * r.measure().error() / ns, Measure.Unit.BYTES_PER_S);
        return new Measured(m, "JMH " + r.shortName() + " (" + r.params() + ")");
    }

    private static Measured jmh(List<JmhResult> jmh, String benchmark) throws IOException {
        JmhResult r = find(jmh, benchmark);
        return new Measured(r.measure(), "JMH " + r.shortName());
    }

    private static JmhResult find(List<JmhResult> jmh, String benchmark) throws IOException {
        return jmh.stream().filter(r -> r.benchmark().equals(benchmark)).findFirst()
                .orElseThrow(() -> new IOException("no JMH result for " + benchmark));
    }

    private static Measured c(PeerContext ctx, CPeer peer) throws IOException, InterruptedException {
        PeerRun run = peer.run(Params.NONE, ctx);
        return new Measured(run.measure(), ctx.display(run.command()));
    }

    /** Loopback TCP with iperf3 (Debian package iperf3), server and client on 127.0.0.1. */
    private static Measured iperf3(PeerContext ctx) throws IOException, InterruptedException {
        if (!onPath("iperf3")) {
            throw new IOException("iperf3 not installed (apt-get install iperf3)");
        }
        Profile p = ctx.profile();
        int port = freePort();
        List<String> server = List.of("iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", Integer.toString(port));
        List<String> client = List.of("iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port), "-J",
                "-O", Integer.toString(p.peerWarmupSeconds()),
                "-t", Integer.toString(p.peerIterations() * p.peerIterationSeconds()));
        Process s = startServer(server, ctx.scratchFile("iperf3-server.log"));
        try {
            String out = retry(() -> ctx.run(client, ctx.peerTimeout()));
            Map<String, Object> json = Json.parseObjectIn(out);
            ListStatistics stats = new ListStatistics();
            if (Json.at(json, "intervals") instanceof List<?> intervals) {
                for (Object i : intervals) {
                    if (!Boolean.TRUE.equals(Json.at(i, "sum", "omitted"))) {
                        stats.addValue(Json.number(i, "sum", "bits_per_second") / 8);
                    }
                }
            }
            double mean = Json.number(json, "end", "sum_received", "bits_per_second") / 8;
            if (Double.isNaN(mean)) {
                throw new IOException("iperf3 printed no end.sum_received: " + Json.abbreviate(out));
            }
            double error = stats.getN() > 1 ? stats.getMeanErrorAt(0.999) : Double.NaN;
            return new Measured(new Measure(mean, error, Measure.Unit.BYTES_PER_S),
                    ctx.display(server) + " ; " + ctx.display(client));
        } finally {
            stop(s);
        }
    }

    /** fio randread 4 KiB on a cached 256 MiB file, io_uring, depths 1/8/32, with and without registration. */
    private static Measured fioBest(PeerContext ctx) throws IOException, InterruptedException {
        Path file = ctx.scratchFile("fio-randread.dat");
        fill(file, FIO_FILE_BYTES);
        Measure best = null;
        List<String> bestCommand = List.of();
        for (int depth : new int[] {1, 8, 32}) {
            for (boolean registered : new boolean[] {false, true}) {
                List<String> job = new ArrayList<>(List.of("--name=randread", "--filename=" + file,
                        "--size=" + FIO_FILE_BYTES, "--rw=randread", "--bs=4k", "--ioengine=io_uring",
                        "--iodepth=" + depth, "--invalidate=0"));
                if (registered) {
                    job.addAll(List.of("--fixedbufs", "--registerfiles"));
                }
                PeerRun run = Peer.fio("fio", (p, c) -> job, FioPeer.Metric.READ_IOPS).run(Params.NONE, ctx);
                ctx.log("  depth " + depth + (registered ? " registered" : "") + ": " + run.measure().display());
                if (best == null || run.measure().value() > best.value()) {
                    best = run.measure();
                    bestCommand = run.command();
                }
            }
        }
        return new Measured(best, "best of depths 1/8/32 with and without --fixedbufs --registerfiles: " + ctx.display(bestCommand));
    }

    /**
     * diodcat reading a 1 GiB file (cached by a first read) from a diod on 127.0.0.1 (the project's
     * fixture, {@link Diod}, as a local process); default msize.
     */
    private static Measured diodcat(PeerContext ctx) throws IOException, InterruptedException {
        String missing = Diod.unavailableReason(PeerMode.PROCESS);
        if (missing == null) {
            missing = DiodTools.unavailableReason();
        }
        if (missing != null) {
            throw new IOException(missing);
        }
        Path export = Files.createDirectories(ctx.scratchFile("diod-export"));
        fill(export.resolve("data"), DIOD_FILE_BYTES);
        try (Diod d = Diod.builder(export).mode(PeerMode.PROCESS).start()) {
            List<String> client = List.of(DiodTools.DIODCAT.toString(), "-s", d.host() + ":" + d.port(), "-a",
                    d.aname(), "data");
            Duration timeout = Duration.ofMinutes(2);
            ctx.runDiscardingOutput(client, timeout); // warmup
            ListStatistics stats = new ListStatistics();
            for (int i = 0; i < ctx.profile().peerIterations(); i++) {
                long t0 = System.nanoTime();
                ctx.runDiscardingOutput(client, timeout);
                stats.addValue(DIOD_FILE_BYTES * 1e9 / (System.nanoTime() - t0));
            }
            double error = stats.getN() > 1 ? stats.getMeanErrorAt(0.999) : Double.NaN;
            return new Measured(new Measure(stats.getMean(), error, Measure.Unit.BYTES_PER_S),
                    ctx.display(d.command()) + " ; " + ctx.display(client) + " > /dev/null, "
                    + stats.getN() + " runs timed whole");
        }
    }

    private interface Attempt<T> {
        T get() throws IOException, InterruptedException;
    }

    /** Retries a client while its server is still starting: up to 5 s. */
    private static <T> T retry(Attempt<T> attempt) throws IOException, InterruptedException {
        for (int i = 0; ; i++) {
            try {
                return attempt.get();
            } catch (IOException e) {
                if (i >= 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static Process startServer(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    }

    /** Stops a server this class started, by its own handle. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code bytes} of a non-zero pattern and reads them back, so the file is in the page cache. */
    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        while (chunk.hasRemaining()) {
            chunk.put((byte) (chunk.position() * 31 + 7));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ)) {
            for (long off = 0; off < bytes; off += chunk.capacity()) {
                ch.write(chunk.clear(), off);
            }
            for (long off = 0; off < bytes; off += chunk.capacity()) {
                ch.read(chunk.clear(), off);
            }
        }
    }
}
