package io.jnetfs.benchmarks.p9server;

import io.jnetfs.benchmarks.p9.BenchFile;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.peers.Ganesha;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This project's 9P server against diod, in the same run, round by round (so every ratio compares
 * figures taken under the same machine load):
 *
 * <ul>
 *   <li>the jnetfs client reads the page-cached 1 GiB file ({@link Diod#ensureFile()}) and writes a
 *       1 GiB file through each server, with 1, 4 and 16 requests in flight, msize 1 MiB asked (diod
 *       grants 64 KiB);</li>
 *   <li>{@code diodcat} reads the 1 GiB file from each ({@code -m 65536}, and {@code -m 1048576});</li>
 *   <li>{@code diodload -n 4 -r 3} copies ctl:zero to ctl:null on each (and with {@code -m 1048576}).</li>
 * </ul>
 *
 * Prints Markdown tables (the "p9 server" section of BENCHMARKS.md).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.jnetfs.benchmarks.p9server.P9ServerVsDiod [--rounds N] [--inflight 1,4,16] [--msize N]
 *     [--serve-args "--workers 2"] [--variant NAME="--workers 2"]... [--no-tools] [--ganesha] [--modes read,write]
 * </pre>
 *
 * {@code --ganesha} adds NFS-Ganesha over the same directory (FSAL_VFS, msize 65536) to the client rows
 * (not to diodcat's and diodload's: diod's C tools stop at Ganesha's Rerror), measured in the same rounds;
 * it runs only inside a network namespace with nothing but {@code lo}: {@code unshare --net -- sh -c 'ip link
 * set lo up && java ... P9ServerVsDiod --msize 65536 --ganesha'} (the same client, the same messages).
 *
 * {@code --modes read} measures the jnetfs client's reads only (a short run on a loaded machine).
 *
 * {@code --variant} adds another jnetfs server (its own process, its own serve arguments; those that
 * start with {@code -D}, {@code -XX:} or {@code -Xlog:} go to its JVM) measured in the same rounds, for comparing settings under the
 * same load.
 */
public final class P9ServerVsDiod {
    private static final String WRITE_FILE = "write-1g-%s.bin";

    private P9ServerVsDiod() {
    }

    /**
     * Runs the comparison.
     *
     * @param args see the class comment
     * @throws Exception if a server, a tool or a transfer fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = 5;
        int[] inFlight = {1, 4, 16};
        int msize = 1 << 20;
        List<String> serveArgs = new ArrayList<>();
        Map<String, List<String>> variants = new LinkedHashMap<>();
        boolean tools = true;
        boolean ganesha = false;
        WholeFileIo.Mode[] modes = WholeFileIo.Mode.values();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--inflight" -> inFlight = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--msize" -> msize = Integer.parseInt(args[++i]);
                case "--serve-args" -> serveArgs.addAll(List.of(args[++i].trim().split("\\s+")));
                case "--variant" -> {
                    String v = args[++i];
                    int eq = v.indexOf('=');
                    variants.put(v.substring(0, eq), List.of(v.substring(eq + 1).trim().split("\\s+")));
                }
                case "--no-tools" -> tools = false;
                case "--ganesha" -> ganesha = true;
                case "--modes" -> modes = Arrays.stream(args[++i].split(","))
                        .map(m -> WholeFileIo.Mode.valueOf(m.toUpperCase(Locale.ROOT))).toArray(WholeFileIo.Mode[]::new);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        Path file = BenchFile.ensureFile();
        Path dir = file.getParent();
        long size = Files.size(file);
        String loadBefore = loadAverage();
        long pid = ProcessHandle.current().pid();
        Map<String, List<Double>> gbps = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>(); // server CPU s, client CPU s
        List<Servers.Server> extra = new ArrayList<>();
        try (Servers.Server diod = Servers.diod(dir);
             Servers.Server jnetfs = Servers.jnetfs(dir, msize, serveArgs);
             FolioPool pool = new FolioPool(1L << 30)) {
            for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                extra.add(Servers.jnetfs(dir, msize, v.getValue()).named(v.getKey()));
            }
            if (ganesha) {
                extra.add(Servers.ganesha(dir));
            }
            List<Servers.Server> all = new ArrayList<>(List.of(diod, jnetfs));
            all.addAll(extra);
            Servers.Server[] toolServers = all.stream().filter(Servers.Server::takesDiodTools)
                    .toArray(Servers.Server[]::new);
            Servers.Server[] servers = all.toArray(Servers.Server[]::new);
            List<Config> configs = new ArrayList<>();
            try {
                for (Servers.Server s : servers) {
                    for (WholeFileIo.Mode mode : modes) {
                        for (int n : inFlight) {
                            configs.add(new Config(s, mode, n, msize, size, pool));
                        }
                    }
                }
                for (Config c : configs) { // warm-up: JIT, page cache, the written files' blocks
                    c.io.run();
                }
                for (int r = 0; r < rounds; r++) {
                    for (Config c : configs) {
                        double s0 = c.server.cpuSeconds();
                        double c0 = Servers.Server.cpuSeconds(pid);
                        long t0 = System.nanoTime();
                        long n = c.io.run();
                        double sec = (System.nanoTime() - t0) / 1e9;
                        if (n != size) {
                            throw new IOException(c.key() + " moved " + n + " of " + size + " bytes");
                        }
                        add(gbps, cpu, c.key(), size / sec / 1e9, c.server.cpuSeconds() - s0,
                                Servers.Server.cpuSeconds(pid) - c0);
                    }
                    if (tools) {
                        for (Servers.Server s : toolServers) {
                            for (int m : new int[] {65536, 1 << 20}) {
                                double s0 = s.cpuSeconds();
                                double[] t = diodcat(s, m, BenchFile.FILE_NAME);
                                add(gbps, cpu, "diodcat -m " + m + " | " + s.name, size / t[0] / 1e9, s.cpuSeconds() - s0,
                                        t[1]);
                            }
                        }
                        for (Servers.Server s : toolServers) {
                            for (int m : new int[] {65536, 1 << 20}) {
                                double s0 = s.cpuSeconds();
                                double[] mbps = diodload(s, m);
                                add(gbps, cpu, "diodload -m " + m + " | " + s.name, (mbps[0] + mbps[1]) / 1000,
                                        s.cpuSeconds() - s0, Double.NaN);
                            }
                        }
                    }
                    System.err.println("round " + (r + 1) + " of " + rounds + " done, load " + loadAverage());
                }
            } finally {
                for (Config c : configs) {
                    c.close();
                }
            }
            double gib = size / (double) (1L << 30) * rounds;
            System.out.printf(Locale.ROOT, "%n| run | server | in flight | GB/s (median of %d) | min .. max | x diod "
                    + "| server CPU s/GiB | client CPU s/GiB |%n|---|---|---|---|---|---|---|---|%n", rounds);
            for (WholeFileIo.Mode mode : modes) {
                for (int n : inFlight) {
                    double base = median(gbps.get(mode + " " + n + " | diod"));
                    for (Servers.Server s : servers) {
                        String k = mode + " " + n + " | " + s.name;
                        List<Double> l = gbps.get(k);
                        double[] c = cpu.get(k);
                        System.out.printf(Locale.ROOT, "| jnetfs client %s 1 GiB | %s | %d | %.2f | %.2f .. %.2f | %.2f | %.2f | %.2f |%n",
                                mode.name().toLowerCase(Locale.ROOT), s.name, n, median(l), min(l), max(l),
                                median(l) / base, c[0] / gib, c[1] / gib);
                    }
                }
            }
            Servers.Server g = all.stream().filter(x -> !x.takesDiodTools()).findFirst().orElse(null);
            if (g != null) { // issue 25's goal: jnetfs serve >= 2x Ganesha, same client, same messages
                System.out.printf(Locale.ROOT, "%n| run | in flight | jnetfs / ganesha (medians) |%n|---|---|---|%n");
                for (WholeFileIo.Mode mode : modes) {
                    for (int n : inFlight) {
                        System.out.printf(Locale.ROOT, "| jnetfs client %s 1 GiB, msize %d asked | %d | %.2f |%n",
                                mode.name().toLowerCase(Locale.ROOT), msize, n,
                                median(gbps.get(mode + " " + n + " | " + jnetfs.name)) / median(gbps.get(mode + " " + n + " | " + g.name)));
                    }
                }
            }
            if (tools) {
                System.out.printf(Locale.ROOT, "%n| tool | server | GB/s (median of %d) | min .. max | x diod (-m 65536) "
                        + "| server CPU s/GiB |%n|---|---|---|---|---|---|%n", rounds);
                for (String tool : new String[] {"diodcat", "diodload"}) { // every server, variants included
                    double base = median(gbps.get(tool + " -m 65536 | diod"));
                    for (int m : new int[] {65536, 1 << 20}) {
                        for (Servers.Server s : toolServers) {
                            String k = tool + " -m " + m + " | " + s.name;
                            List<Double> l = gbps.get(k);
                            double[] c = cpu.get(k);
                            double moved = tool.equals("diodcat") ? gib : median(l) * 3 * rounds / 1.073741824;
                            System.out.printf(Locale.ROOT, "| %s -m %d | %s | %.2f | %.2f .. %.2f | %.2f | %.2f |%n", tool, m,
                                    s.name, median(l), min(l), max(l), median(l) / base, c[0] / moved);
                        }
                    }
                }
            }
            System.out.println();
            System.out.println("jnetfs serve command: `" + String.join(" ", jnetfs.command).replace(
                    System.getProperty("java.class.path"), "benchmarks/target/benchmarks.jar") + "`");
            for (Servers.Server v : extra) {
                System.out.println(v.name + " command: `" + String.join(" ", v.command).replace(
                        System.getProperty("java.class.path"), "benchmarks/target/benchmarks.jar") + "`");
            }
            System.out.println("diod command: `" + String.join(" ", diod.command) + "`");
            System.out.println("load average before: " + loadBefore + ", after: " + loadAverage());
        } finally {
            for (Servers.Server v : extra) {
                v.close();
            }
            List<String> names = new ArrayList<>(List.of("diod", "jnetfs", Ganesha.FEATURE));
            names.addAll(variants.keySet());
            for (String s : names) {
                Files.deleteIfExists(dir.resolve(String.format(WRITE_FILE, s)));
            }
        }
    }

    /** One client configuration with its own connection, fid and driver. */
    private static final class Config implements AutoCloseable {
        final Servers.Server server;
        final WholeFileIo.Mode mode;
        final int inFlight;
        final P9Client client;
        final Fid fid;
        final WholeFileIo io;

        Config(Servers.Server server, WholeFileIo.Mode mode, int inFlight, int msize, long size, FolioPool pool)
                throws IOException {
            this.server = server;
            this.mode = mode;
            this.inFlight = inFlight;
            this.client = P9Client.connect(P9Options.builder(Servers.HOST, server.port).aname(server.aname)
                    .uname("root").nUname(0).msize(msize).pool(pool).build());
            if (mode == WholeFileIo.Mode.READ) {
                this.fid = client.open(BenchFile.FILE_NAME, P9Flags.P9_DOTL_RDONLY);
            } else {
                this.fid = client.create(client.root(), String.format(WRITE_FILE, server.name),
                        P9Flags.P9_DOTL_WRONLY, 0644);
            }
            this.io = new WholeFileIo(client, fid, size, inFlight, mode, pool);
        }

        String key() {
            return mode + " " + inFlight + " | " + server.name;
        }

        @Override
        public void close() throws IOException {
            io.close();
            fid.close();
            client.close();
        }
    }

    /** @return {seconds, diodcat CPU seconds} of reading {@code name} to /dev/null */
    private static double[] diodcat(Servers.Server s, int msize, String name) throws IOException, InterruptedException {
        Path times = Files.createTempFile("diodcat-time-", ".txt");
        try {
            List<String> cmd = List.of("/usr/bin/time", "-o", times.toString(), "-f", "%U %S", "/usr/sbin/diodcat", "-s",
                    Servers.HOST + ":" + s.port, "-m", Integer.toString(msize), "-a", s.export.toString(), name);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("diodcat failed: " + String.join(" ", cmd));
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            String[] f = Files.readString(times).trim().split("\\s+");
            return new double[] {sec, Double.parseDouble(f[0]) + Double.parseDouble(f[1])};
        } finally {
            Files.deleteIfExists(times);
        }
    }

    private static final Pattern DIODLOAD = Pattern.compile("([0-9]+) rMB/s, ([0-9]+) wMB/s");

    /** @return {read MB/s, write MB/s} of {@code diodload -n 4 -r 3} against the ctl export */
    private static double[] diodload(Servers.Server s, int msize) throws IOException, InterruptedException {
        List<String> cmd = List.of("/usr/sbin/diodload", "-s", Servers.HOST + ":" + s.port, "-n", "4", "-r", "3", "-m",
                Integer.toString(msize));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("diodload failed: " + out);
        }
        Matcher m = DIODLOAD.matcher(out);
        if (!m.find()) {
            throw new IOException("diodload said: " + out);
        }
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static void add(Map<String, List<Double>> gbps, Map<String, double[]> cpu, String key, double value,
                            double serverCpu, double clientCpu) {
        gbps.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        double[] a = cpu.computeIfAbsent(key, k -> new double[2]);
        a[0] += serverCpu;
        a[1] += clientCpu;
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
