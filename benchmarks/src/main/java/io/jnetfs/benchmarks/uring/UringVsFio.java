package io.jnetfs.benchmarks.uring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.profile.LinuxPerfNormProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs fio and the io_uring JMH benchmarks in one run, on the same page-cached 1 GiB file, and prints
 * one Markdown table with the ratios (the io-uring section of BENCHMARKS.md).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.jnetfs.benchmarks.uring.UringVsFio [--seconds N] [--rounds N] [--no-gc]
 * </pre>
 *
 * Each queue depth runs fio and then the JMH benchmarks of that depth, {@code --rounds} times (default
 * 3); the table keeps the best figure of each, so a burst of load from other processes on the machine
 * penalises neither side more than the other.
 *
 * fio jobs, per queue depth N, all with {@code --ioengine=io_uring --direct=0 --iomem_align=4096
 * --invalidate=0 --time_based --runtime=N --output-format=json} and batched submission and completion
 * ({@code --iodepth_batch_submit=N --iodepth_batch_complete_min=N}, what the JMH benchmarks do):
 * {@code --rw=randread --bs=4k} plain and with {@code --fixedbufs --registerfiles}, and
 * {@code --rw=write --bs=1m}. JMH runs {@link UringRandomReadBenchmark} and
 * {@link UringSequentialWriteBenchmark} with {@code -prof gc} unless {@code --no-gc}, and with
 * {@code -prof perfnorm:events=task-clock} where {@code perf} works, for the CPU time per operation
 * (fio's comes from its {@code usr_cpu}/{@code sys_cpu}): unlike throughput, CPU time per operation
 * hardly moves when other processes load the machine.
 */
public final class UringVsFio {
    private static final Pattern READ_IOPS = Pattern.compile("\"read\"\\s*:\\s*\\{[^{}]*?\"iops\"\\s*:\\s*([0-9.eE+-]+)");
    private static final Pattern WRITE_IOPS = Pattern.compile("\"write\"\\s*:\\s*\\{[^{}]*?\"iops\"\\s*:\\s*([0-9.eE+-]+)");

    private UringVsFio() {
    }

    /**
     * Runs everything and prints the table.
     *
     * @param args {@code --seconds N} (fio runtime and JMH iteration time, default 5 and 1), {@code --no-gc}
     * @throws Exception if fio or JMH fails
     */
    public static void main(String[] args) throws Exception {
        int fioSeconds = 5;
        int rounds = 3;
        boolean gc = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> fioSeconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--no-gc" -> gc = false;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        Path file = BenchFile.ensureCached();
        Path writeFile = BenchFile.ensureCached(BenchFile.writePath());
        String fioVersion = run(List.of("fio", "--version")).trim();
        String loadBefore = loadAverage();

        // per depth: fio, then the JMH benchmarks of that depth at once, so each ratio compares
        // figures taken under the same machine load
        Map<String, Double> fio = new LinkedHashMap<>();
        Map<String, Double> fioCpu = new LinkedHashMap<>();
        Map<String, double[]> jmh = new LinkedHashMap<>();
        List<String> commands = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (int depth : new int[] {1, 8, 32}) {
                List<String> base = fioBase(file, "randread", "4k", depth, fioSeconds);
                if (round == 0) {
                    commands.add(String.join(" ", base));
                }
                best(fio, "read plain " + depth, iops(run(base), READ_IOPS));
                least(fioCpu, "read plain " + depth, lastFioCpuNanos);
                best(fio, "read fixed " + depth, iops(run(withFixed(base)), READ_IOPS));
                least(fioCpu, "read fixed " + depth, lastFioCpuNanos);
                best(jmh, runJmh(UringRandomReadBenchmark.class, depth, file, gc));
            }
            for (int depth : new int[] {1, 8}) {
                List<String> w = fioBase(writeFile, "write", "1m", depth, fioSeconds);
                if (round == 0) {
                    commands.add(String.join(" ", w));
                }
                best(fio, "write plain " + depth, iops(run(w), WRITE_IOPS));
                least(fioCpu, "write plain " + depth, lastFioCpuNanos);
                best(fio, "write fixed " + depth, iops(run(withFixed(w)), WRITE_IOPS));
                least(fioCpu, "write fixed " + depth, lastFioCpuNanos);
                best(jmh, runJmh(UringSequentialWriteBenchmark.class, depth, file, gc));
            }
        }
        jmh.putAll(runJmh(UringNopBenchmark.class, 0, file, gc));
        String loadAfter = loadAverage();

        StringBuilder out = new StringBuilder();
        out.append("fio ").append(fioVersion).append(", JDK ").append(System.getProperty("java.version"))
                .append(", kernel ").append(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim())
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs; load average before ")
                .append(loadBefore).append(", after ").append(loadAfter).append("\n\n");
        out.append("Best of ").append(rounds).append(" rounds. 4 KiB random reads of a page-cached 1 GiB file"
                + " (reads/s; ratio = jnetfs / peer)\n\n");
        out.append("| depth | fio | fio fixed+regfile | jnetfs READ | jnetfs READ_FIXED+regfile | FileChannel | READ_FIXED/fio fixed | READ/fio | READ/FileChannel |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int depth : new int[] {1, 8, 32}) {
            double fp = fio.get("read plain " + depth);
            double ff = fio.get("read fixed " + depth);
            double jr = score(jmh, "UringRandomReadBenchmark.ioUring", depth);
            double jf = score(jmh, "UringRandomReadBenchmark.ioUringFixed", depth);
            double fc = score(jmh, "UringRandomReadBenchmark.fileChannel", depth);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %.2fx | %.2fx | %.2fx |%n", depth,
                    k(fp), k(ff), k(jr), k(jf), k(fc), jf / ff, jr / fp, jr / fc));
        }
        out.append("\nCPU time per read, ns (least of the rounds; fio: usr_cpu+sys_cpu of the job, jnetfs: perf"
                + " task-clock of the JMH fork; a figure other processes' load barely moves; ratio = peer / jnetfs,"
                + " above 1 means jnetfs spends less)\n\n");
        out.append("| depth | fio | fio fixed+regfile | jnetfs READ | jnetfs READ_FIXED+regfile | FileChannel | fio fixed/READ_FIXED | fio/READ | FileChannel/READ |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int depth : new int[] {1, 8, 32}) {
            double fp = fioCpu.get("read plain " + depth);
            double ff = fioCpu.get("read fixed " + depth);
            double jr = cpu(jmh, "UringRandomReadBenchmark.ioUring", depth);
            double jf = cpu(jmh, "UringRandomReadBenchmark.ioUringFixed", depth);
            double fc = cpu(jmh, "UringRandomReadBenchmark.fileChannel", depth);
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.2fx |%n", depth,
                    fp, ff, jr, jf, fc, ff / jf, fp / jr, fc / jr));
        }
        out.append("\n1 MiB sequential writes over a cached 1 GiB file, in place (writes/s = MiB/s)\n\n");
        out.append("| depth | fio | fio fixed+regfile | jnetfs WRITE | jnetfs WRITE_FIXED+regfile | FileChannel | WRITE_FIXED/fio fixed | WRITE/fio | WRITE/FileChannel |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int depth : new int[] {1, 8}) {
            double fp = fio.get("write plain " + depth);
            double ff = fio.get("write fixed " + depth);
            double jr = score(jmh, "UringSequentialWriteBenchmark.ioUring", depth);
            double jf = score(jmh, "UringSequentialWriteBenchmark.ioUringFixed", depth);
            double fc = score(jmh, "UringSequentialWriteBenchmark.fileChannel", depth);
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.2fx |%n",
                    depth, fp, ff, jr, jf, fc, jf / ff, jr / fp, jr / fc));
        }
        if (gc) {
            double[] nop = jmh.get("UringNopBenchmark.nop -");
            if (nop != null) {
                out.append(String.format(Locale.ROOT, "%nIORING_OP_NOP, 32 per io_uring_enter: %.1f ns per operation"
                        + " (the binding's own cost plus 1/32 of a system call)%n", nop[0]));
            }
            out.append("\nAllocation per operation (JMH -prof gc, gc.alloc.rate.norm, B/op)\n\n");
            out.append("| benchmark | depth | B/op |\n|---|---:|---:|\n");
            for (Map.Entry<String, double[]> e : jmh.entrySet()) {
                out.append(String.format(Locale.ROOT, "| %s | %s | %.3f |%n",
                        e.getKey().substring(0, e.getKey().indexOf(' ')),
                        e.getKey().substring(e.getKey().indexOf(' ') + 1), e.getValue()[1]));
            }
        }
        out.append("\nfio commands (plain; the fixed variant adds --fixedbufs --registerfiles):\n\n```\n");
        for (String c : commands) {
            out.append(c).append('\n');
        }
        out.append("```\n");
        System.out.println();
        System.out.println(out);
    }

    private static List<String> withFixed(List<String> job) {
        List<String> fixed = new ArrayList<>(job);
        fixed.add("--fixedbufs");
        fixed.add("--registerfiles");
        return fixed;
    }

    private static void best(Map<String, Double> into, String key, double value) {
        into.merge(key, value, Math::max);
    }

    private static void least(Map<String, Double> into, String key, double value) {
        into.merge(key, value, Math::min);
    }

    /**
     * Keeps the best throughput per benchmark with the allocation figure of that run, and the least
     * CPU time per operation of any run.
     */
    private static void best(Map<String, double[]> into, Map<String, double[]> run) {
        for (Map.Entry<String, double[]> e : run.entrySet()) {
            into.merge(e.getKey(), e.getValue(), (a, b) -> {
                double[] keep = (b[0] > a[0] ? b : a).clone();
                keep[2] = Double.isNaN(a[2]) ? b[2] : Double.isNaN(b[2]) ? a[2] : Math.min(a[2], b[2]);
                return keep;
            });
        }
    }

    private static Boolean perf;

    /** @return whether {@code perf stat -e task-clock} works here (JMH's perfnorm profiler needs it) */
    private static boolean perfAvailable() {
        if (perf == null) {
            try {
                Process p = new ProcessBuilder("perf", "stat", "-e", "task-clock", "true").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                perf = p.waitFor() == 0;
            } catch (IOException | InterruptedException e) {
                perf = false;
            }
        }
        return perf;
    }

    private static List<String> fioBase(Path file, String rw, String bs, int depth, int seconds) {
        return new ArrayList<>(List.of("fio", "--name=" + rw, "--filename=" + file, "--size=1g", "--rw=" + rw,
                "--bs=" + bs, "--iodepth=" + depth, "--iodepth_batch_submit=" + depth,
                "--iodepth_batch_complete_min=" + depth, "--ioengine=io_uring", "--direct=0", "--iomem_align=4096",
                "--invalidate=0", "--norandommap", "--randrepeat=0", "--runtime=" + seconds, "--time_based",
                "--output-format=json"));
    }

    private static Map<String, double[]> runJmh(Class<?> benchmark, int depth, Path file, boolean gc)
            throws RunnerException {
        boolean cpu = perfAvailable();
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(benchmark.getName())
                .forks(1)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Djnetfs.bench.uring.file=" + file);
        if (depth > 0) {
            o.param("depth", Integer.toString(depth));
        }
        if (gc) {
            o.addProfiler(GCProfiler.class);
        }
        if (cpu) {
            o.addProfiler(LinuxPerfNormProfiler.class, "events=task-clock");
        }
        Collection<RunResult> results = runWhenFree(o);
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            double norm = Double.NaN;
            double cpuNanos = Double.NaN;
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    norm = e.getValue().getScore();
                } else if (e.getKey().endsWith("task-clock")) {
                    cpuNanos = e.getValue().getScore() * 1e6; // perf counts task-clock in ms
                }
            }
            String d = r.getParams().getParam("depth");
            scores.put(name + " " + (d == null ? "-" : d),
                    new double[] {r.getPrimaryResult().getScore(), norm, cpuNanos});
        }
        return scores;
    }

    /**
     * Runs JMH, waiting while another JMH run on the machine holds its lock ({@code /tmp/jmh.lock}):
     * two benchmark runs at once would spoil both.
     */
    private static Collection<RunResult> runWhenFree(ChainedOptionsBuilder o) throws RunnerException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        for (;;) {
            try {
                return new Runner(o.build()).run();
            } catch (RunnerException e) {
                if (!String.valueOf(e.getMessage()).contains("JMH lock") || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("# another JMH run holds /tmp/jmh.lock; waiting");
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double cpu(Map<String, double[]> jmh, String benchmark, int depth) {
        double[] s = jmh.get(benchmark + " " + depth);
        return s == null ? Double.NaN : s[2];
    }

    private static double score(Map<String, double[]> jmh, String benchmark, int depth) {
        double[] s = jmh.get(benchmark + " " + depth);
        return s == null ? Double.NaN : s[0];
    }

    private static String k(double v) {
        return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }

    private static double iops(String json, Pattern p) {
        Matcher m = p.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no iops in fio output: " + json.substring(0, Math.min(json.length(), 2000)));
        }
        double v = Double.parseDouble(m.group(1));
        lastFioCpuNanos = cpuNanosPerIo(json, p == READ_IOPS ? "read" : "write");
        System.out.printf(Locale.ROOT, "# fio %s: %.0f IOPS, %.0f ns CPU per I/O (load %s)%n", lastFioJob, v,
                lastFioCpuNanos, loadAverage());
        return v;
    }

    private static final Pattern USR_CPU = Pattern.compile("\"usr_cpu\"\\s*:\\s*([0-9.eE+-]+)");
    private static final Pattern SYS_CPU = Pattern.compile("\"sys_cpu\"\\s*:\\s*([0-9.eE+-]+)");

    /** CPU time of the fio job per I/O: (usr_cpu + sys_cpu) percent of its runtime over its I/O count. */
    private static double cpuNanosPerIo(String json, String direction) {
        Matcher dir = Pattern.compile("\"" + direction + "\"\\s*:\\s*\\{[^{}]*?\"runtime\"\\s*:\\s*([0-9]+)"
                + "[^{}]*?\"total_ios\"\\s*:\\s*([0-9]+)").matcher(json);
        Matcher usr = USR_CPU.matcher(json);
        Matcher sys = SYS_CPU.matcher(json);
        if (!dir.find() || !usr.find() || !sys.find()) {
            return Double.NaN;
        }
        double runtimeNs = Double.parseDouble(dir.group(1)) * 1e6;
        double ios = Double.parseDouble(dir.group(2));
        double cpu = (Double.parseDouble(usr.group(1)) + Double.parseDouble(sys.group(1))) / 100.0;
        return cpu * runtimeNs / ios;
    }

    /** The CPU time per I/O of the fio run parsed last. */
    private static double lastFioCpuNanos;

    /** The job of the fio run parsed next, for the progress line. */
    private static String lastFioJob = "";

    private static String run(List<String> command) throws IOException, InterruptedException {
        lastFioJob = command.stream().filter(a -> a.startsWith("--rw=") || a.startsWith("--iodepth=")
                || a.equals("--fixedbufs")).reduce((a, b) -> a + " " + b).orElse("");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + rc + ": " + out);
        }
        // fio may print notes before the JSON document
        int brace = out.indexOf('{');
        return brace > 0 && command.contains("--output-format=json") ? out.substring(brace) : out;
    }
}
