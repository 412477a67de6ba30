package io.jnetfs.benchmarks.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.ReceiveMode;
import io.jnetfs.p9.TransportKind;
import io.jnetfs.peers.Diod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the same page-cached 1 GiB file from one diod with {@code diodcat} (one 64 KiB read at a time)
 * and with the p9 client at 1, 4 and 16 reads in flight, interleaved round by round so every ratio
 * compares figures taken under the same machine load; then counts {@code sendmsg} calls per Twrite.
 * Prints a Markdown table (the p9 section of BENCHMARKS.md).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.jnetfs.benchmarks.p9.P9VsDiodcat [--rounds N] [--inflight 1,4,16] [--variants DIRECT,BULK_SLICE,BULK_COPY]
 *     [--transport SOCKET|IO_URING] [--no-diodcat]
 * </pre>
 */
public final class P9VsDiodcat {
    /** A client configuration measured. */
    enum Variant {
        /** DIRECT receive: header, then the data straight into the destination. */
        DIRECT(ReceiveMode.DIRECT, WholeFileReader.Delivery.ITER),
        /** BULK receive, the data sliced into the reader's chain (folio references). */
        BULK_SLICE(ReceiveMode.BULK, WholeFileReader.Delivery.APPEND),
        /** BULK receive, the data copied from the chunk into the destination. */
        BULK_COPY(ReceiveMode.BULK, WholeFileReader.Delivery.ITER);

        final ReceiveMode mode;
        final WholeFileReader.Delivery delivery;

        Variant(ReceiveMode mode, WholeFileReader.Delivery delivery) {
            this.mode = mode;
            this.delivery = delivery;
        }
    }

    private P9VsDiodcat() {
    }

    /**
     * Runs the comparison.
     *
     * @param args see the class comment
     * @throws Exception if diod, diodcat or a read fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = 5;
        int[] inFlight = {1, 4, 16};
        List<Variant> variants = new ArrayList<>(List.of(Variant.values()));
        TransportKind transport = TransportKind.SOCKET;
        boolean withDiodcat = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--inflight" -> inFlight = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--variants" -> variants = Arrays.stream(args[++i].split(",")).map(Variant::valueOf).toList();
                case "--transport" -> transport = TransportKind.valueOf(args[++i]);
                case "--no-diodcat" -> withDiodcat = false;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        Path file = BenchFile.ensureFile();
        long size = Files.size(file);
        String load = loadAverage();
        try (Diod diod = BenchFile.startDiod(file.getParent()); FolioPool pool = new FolioPool(256L << 20)) {
            List<String> diodcat = BenchFile.diodcatCommand(diod);
            System.out.println("diod pid " + diod.pid() + " on port " + diod.port());
            Map<String, List<Double>> gbps = new LinkedHashMap<>();
            Map<String, double[]> cpu = new LinkedHashMap<>(); // client (or diodcat) and diod CPU seconds, summed
            List<Config> configs = new ArrayList<>();
            for (Variant v : variants) {
                for (int n : inFlight) {
                    configs.add(new Config(v, n, transport, diod, pool, size));
                }
            }
            try {
                runDiodcat(diodcat); // warm up diod and the page cache
                for (Config c : configs) {
                    c.reader.readAll();
                }
                for (int r = 0; r < rounds; r++) {
                    double d0 = BenchFile.cpuSeconds(diod.pid());
                    if (withDiodcat || r == 0) {
                        gbps.computeIfAbsent("diodcat", k -> new ArrayList<>()).add(size / runDiodcat(diodcat) / 1e9);
                        addCpu(cpu, "diodcat", lastDiodcatCpu, BenchFile.cpuSeconds(diod.pid()) - d0);
                    }
                    for (Config c : configs) {
                        double c0 = BenchFile.cpuSeconds(ProcessHandle.current().pid());
                        d0 = BenchFile.cpuSeconds(diod.pid());
                        long t0 = System.nanoTime();
                        long n = c.reader.readAll();
                        double s = (System.nanoTime() - t0) / 1e9;
                        addCpu(cpu, c.name(), BenchFile.cpuSeconds(ProcessHandle.current().pid()) - c0, BenchFile.cpuSeconds(diod.pid()) - d0);
                        if (n != size) {
                            throw new IOException(c.name() + " read " + n + " of " + size + " bytes");
                        }
                        gbps.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(size / s / 1e9);
                    }
                }
                double cat = median(gbps.get("diodcat"));
                double gib = size / (double) (1L << 30) * rounds;
                System.out.printf(Locale.ROOT, "%n| reader | in flight | GB/s (median of %d) | min .. max | x diodcat "
                        + "| client CPU s/GiB | diod CPU s/GiB | sendmsg | recvmsg per Rread |%n", rounds);
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                double[] cc = cpu.get("diodcat");
                System.out.printf(Locale.ROOT, "| diodcat | 1 | %.2f | %.2f .. %.2f | 1.00 | %.2f | %.2f | | |%n", cat,
                        min(gbps.get("diodcat")), max(gbps.get("diodcat")), cc[0] / gib, cc[1] / gib);
                for (Config c : configs) {
                    List<Double> l = gbps.get(c.name());
                    double reads = (double) c.client.repliesReceived();
                    double[] pc = cpu.get(c.name());
                    System.out.printf(Locale.ROOT, "| p9 %s %s | %d | %.2f | %.2f .. %.2f | %.2f | %.2f | %.2f "
                            + "| %.2f per Tread | %.2f |%n", c.transport, c.variant, c.inFlight, median(l), min(l), max(l),
                            median(l) / cat, pc[0] / gib, pc[1] / gib, c.client.sendmsgCalls() / reads,
                            c.client.recvmsgCalls() / reads);
                }
            } finally {
                for (Config c : configs) {
                    c.close();
                }
            }
            System.out.println();
            twriteSendmsgs(diod, transport, pool);
            System.out.println();
            System.out.println("diodcat command: `" + String.join(" ", diodcat) + " > /dev/null`");
            System.out.println("load average before: " + load + ", after: " + loadAverage());
        }
    }

    /** One client configuration with its own connection, fid and reader. */
    private static final class Config implements AutoCloseable {
        final Variant variant;
        final int inFlight;
        final TransportKind transport;
        final P9Client client;
        final Fid fid;
        final WholeFileReader reader;

        Config(Variant v, int inFlight, TransportKind t, Diod diod, FolioPool pool, long size) throws IOException {
            this.variant = v;
            this.inFlight = inFlight;
            this.transport = t;
            this.client = P9Client.connect(P9Options.builder(diod.host(), diod.port()).aname(diod.export().toString())
                    .uname("root").nUname(0).receiveMode(v.mode).transport(t).pool(pool).build());
            this.fid = client.open(BenchFile.FILE_NAME, P9Flags.P9_DOTL_RDONLY);
            this.reader = new WholeFileReader(client, fid, size, inFlight, v.delivery, pool);
        }

        String name() {
            return transport + " " + variant + " " + inFlight;
        }

        @Override
        public void close() throws IOException {
            reader.close();
            fid.close();
            client.close();
        }
    }

    /** CPU seconds of the last diodcat run (user + system, from /usr/bin/time), or NaN. */
    private static double lastDiodcatCpu = Double.NaN;

    /** @return seconds diodcat took to read the file to /dev/null */
    private static double runDiodcat(List<String> cmd) throws IOException, InterruptedException {
        Path times = Files.createTempFile("diodcat-time-", ".txt");
        try {
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%U %S"));
            timed.addAll(cmd);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(Files.isExecutable(Path.of("/usr/bin/time")) ? timed : cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("diodcat failed: " + String.join(" ", cmd));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            try {
                String[] f = Files.readString(times).trim().split("\\s+");
                lastDiodcatCpu = Double.parseDouble(f[0]) + Double.parseDouble(f[1]);
            } catch (IOException | RuntimeException e) {
                lastDiodcatCpu = Double.NaN;
            }
            return s;
        } finally {
            Files.deleteIfExists(times);
        }
    }

    /** Writes 64 MiB with one Twrite in flight, then with 8 (glued), and prints sendmsg per Twrite. */
    private static void twriteSendmsgs(Diod diod, TransportKind t, FolioPool pool) throws IOException {
        try (P9Client c = P9Client.connect(P9Options.builder(diod.host(), diod.port()).aname(diod.export().toString())
                .uname("root").nUname(0).transport(t).pool(pool).window(8).build());
             Fid f = c.create(c.root(), "write-64m.bin", P9Flags.P9_DOTL_WRONLY | P9Flags.P9_DOTL_TRUNC, 0644);
             BvecqBuffer src = BvecqBuffer.allocate(pool, 64L << 20, 4096);
             BvecqIter it = new BvecqIter()) {
            int io = c.ioSize(f);
            long s0 = c.sendmsgCalls();
            long w0 = c.twritesSent();
            AtomicLong res = new AtomicLong();
            Thread me = Thread.currentThread();
            long t0 = System.nanoTime();
            for (long off = 0; off < src.length(); off += io) {
                int len = (int) Math.min(io, src.length() - off);
                res.set(Long.MIN_VALUE);
                long h = c.writeAsync(f, off, len, it.init(src, off, len), (cookie, r) -> {
                    res.set(r);
                    LockSupport.unpark(me);
                }, 0);
                if (h < 0) {
                    throw new IOException("writeAsync: " + h);
                }
                while (res.get() == Long.MIN_VALUE) {
                    LockSupport.park();
                }
                if (res.get() != len) {
                    throw new IOException("Twrite wrote " + res.get());
                }
            }
            double oneSec = (System.nanoTime() - t0) / 1e9;
            long twrites = c.twritesSent() - w0;
            long sends = c.sendmsgCalls() - s0;
            long s1 = c.sendmsgCalls();
            long w1 = c.twritesSent();
            t0 = System.nanoTime();
            c.write(f, 0, src, 0, src.length());
            double winSec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "Twrite of 64 MiB from a chain of 4 KiB folios (%d iovecs per Twrite):%n",
                    (io + 4095) / 4096 + 1);
            System.out.printf(Locale.ROOT, "- one in flight: %d Twrites, %d sendmsg calls = %.3f per Twrite, %.2f GB/s%n",
                    twrites, sends, (double) sends / twrites, (64L << 20) / oneSec / 1e9);
            System.out.printf(Locale.ROOT, "- 8 in flight (client.write, plugged): %d Twrites, %d sendmsg calls = %.3f per Twrite, %.2f GB/s%n",
                    c.twritesSent() - w1, c.sendmsgCalls() - s1, (double) (c.sendmsgCalls() - s1) / (c.twritesSent() - w1),
                    (64L << 20) / winSec / 1e9);
        } finally {
            Files.deleteIfExists(diod.export().resolve("write-64m.bin"));
        }
    }

    private static void addCpu(Map<String, double[]> cpu, String key, double client, double diod) {
        double[] a = cpu.computeIfAbsent(key, k -> new double[2]);
        a[0] += client;
        a[1] += diod;
    }

    private static double median(List<Double> l) {
        double[] a = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double min(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
