package io.jnetfs.benchmarks.harness;

import io.jnetfs.benchmarks.support.Scratch;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench}: runs the JMH suite with a profile's settings and {@code -prof gc}, runs the
 * external peers the rows name (C references compiled now, fio, ...), optionally measures the machine
 * facts, writes the raw results to {@code benchmarks/results/<time>-<profile>.json} and
 * {@code latest.json}, and rewrites the generated region of {@code BENCHMARKS.md}.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.jnetfs.benchmarks.harness.BenchHarness --profile short|full [--machine-facts]
 *     [--include REGEX]... [--no-peers] [--no-report] [--repo DIR] [--command TEXT]
 * </pre>
 *
 * <p>Runs from the repository root (or {@code --repo}). Exit status 0 when the run produced results,
 * 1 when no benchmark did, 2 on a usage error.
 */
public final class BenchHarness {
    /** Every jnetfs benchmark; the facts package is added only with {@code --machine-facts}. */
    static final String ALL_BENCHMARKS = "^io\\.jnetfs\\.benchmarks\\.";

    private final Options options;
    private final PrintStream log;

    private BenchHarness(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /**
     * The parsed command line.
     *
     * @param profile {@code --profile short|full}
     * @param machineFacts {@code --machine-facts}
     * @param includes {@code --include REGEX}, JMH benchmark patterns (default: every jnetfs benchmark)
     * @param peers false with {@code --no-peers}
     * @param report false with {@code --no-report} (BENCHMARKS.md and latest.json untouched; the
     *     timestamped results file is still written)
     * @param repo {@code --repo DIR}, where BENCHMARKS.md and benchmarks/results are
     * @param command {@code --command TEXT}, how the harness was invoked (such as {@code make bench})
     * @param args the arguments without {@code --command}, to print the java command line
     */
    record Options(Profile profile, boolean machineFacts, List<String> includes, boolean peers, boolean report,
                   Path repo, String command, List<String> args) {

        /**
         * Parses the arguments.
         *
         * @param args the command line
         * @return the options
         * @throws IllegalArgumentException naming an unknown option or a missing or bad value
         */
        static Options parse(String[] args) {
            Profile profile = Profile.SHORT;
            boolean facts = false;
            boolean peers = true;
            boolean report = true;
            List<String> includes = new ArrayList<>();
            Path repo = Path.of(".");
            String command = null;
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--profile" -> profile = switch (value(args, ++i, a)) {
                        case "short" -> Profile.SHORT;
                        case "full" -> Profile.FULL;
                        default -> throw new IllegalArgumentException("invalid --profile=" + args[i]
                                + " (short or full)");
                    };
                    case "--machine-facts" -> facts = true;
                    case "--include" -> includes.add(value(args, ++i, a));
                    case "--no-peers" -> peers = false;
                    case "--no-report" -> report = false;
                    case "--repo" -> repo = Path.of(value(args, ++i, a));
                    case "--command" -> command = value(args, ++i, a);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
                if (!a.equals("--command")) {
                    kept.add(a);
                    if (List.of("--profile", "--include", "--repo").contains(a)) {
                        kept.add(args[i]);
                    }
                }
            }
            return new Options(profile, facts, List.copyOf(includes), peers, report, repo, command, List.copyOf(kept));
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("missing value for " + option);
            }
            return args[i];
        }
    }

    /**
     * Runs the harness.
     *
     * @param args see the class description
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("BenchHarness: " + e.getMessage());
            System.err.println("usage: BenchHarness --profile short|full [--machine-facts] [--include REGEX]... "
                    + "[--no-peers] [--no-report] [--repo DIR] [--command TEXT]");
            System.exit(2);
            return;
        }
        try {
            System.exit(new BenchHarness(options, System.out).run());
        } catch (IOException | RunnerException e) {
            e.printStackTrace();
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    private int run() throws IOException, RunnerException, InterruptedException {
        long t0 = System.nanoTime();
        ZonedDateTime start = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        Path scratch = Scratch.dir();
        String loadAtStart = loadAverage();
        MachineDescription machine = MachineDescription.probe(scratch);
        log("machine: " + machine.markdown());

        List<String> includes = new ArrayList<>(options.includes().isEmpty() ? List.of(ALL_BENCHMARKS)
                : options.includes());
        List<String> excludes = new ArrayList<>();
        if (options.machineFacts()) {
            includes.add(MachineFacts.JMH_INCLUDE);
        } else {
            excludes.add(MachineFacts.JMH_INCLUDE);
        }
        List<String> expected = expectedBenchmarks(includes, excludes);
        log(expected.size() + " benchmarks to run with " + options.profile().jmhOptions());

        Path jmhJson = Files.createTempFile(scratch, "jmh-", ".json");
        List<JmhResult> jmh;
        String jmhText;
        try {
            jmh = runJmh(includes, excludes, jmhJson);
            jmhText = Files.readString(jmhJson, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(jmhJson);
        }
        if (jmh.isEmpty()) {
            log("no benchmark produced a result");
            return 1;
        }
        TreeSet<String> ran = new TreeSet<>();
        jmh.forEach(r -> ran.add(r.benchmark()));
        List<String> missing = expected.stream().filter(b -> !ran.contains(b)).toList();

        List<Row> rows = Rows.discover(ran, this::log);
        List<RowResult> evaluated;
        List<MachineFacts.Fact> facts = null;
        List<Map<String, Object>> peerRuns = new ArrayList<>();
        String gcc;
        try (PeerContext ctx = new PeerContext(options.profile(), scratch, log)) {
            evaluated = evaluate(rows, jmh, ctx, peerRuns);
            if (options.machineFacts() && options.peers()) {
                facts = MachineFacts.measure(jmh, ctx);
            }
            gcc = "gcc " + String.join(" ", PeerContext.GCC_FLAGS);
        }
        long wall = (System.nanoTime() - t0) / 1_000_000_000L;
        String load = "1-minute load average " + loadAtStart + " at the start, " + loadAverage() + " at the end";

        String stamp = start.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT));
        String profileName = options.profile().name().toLowerCase(Locale.ROOT);
        Path resultsDir = Files.createDirectories(options.repo().resolve("benchmarks").resolve("results"));
        Path resultsFile = resultsDir.resolve(stamp + "-" + profileName + ".json");
        String date = start.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        String command = options.command() != null ? options.command() : javaCommand();
        boolean viaJava = options.command() == null;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", date);
        json.put("profile", profileName);
        json.put("wallSeconds", wall);
        json.put("command", command);
        json.put("javaCommand", javaCommand());
        json.put("jmhOptions", options.profile().jmhOptions());
        json.put("peerOptions", options.profile().peerOptions());
        json.put("machine", machine.toJson());
        json.put("load", load);
        json.put("rows", evaluated.stream().map(BenchHarness::rowJson).toList());
        json.put("peers", peerRuns);
        json.put("facts", facts == null ? null : facts.stream().map(MachineFacts.Fact::toJson).toList());
        json.put("missing", missing);
        json.put("jmh", new Json.RawJson(jmhText.isBlank() ? "[]" : jmhText));
        String text = Json.write(json);
        Files.writeString(resultsFile, text, StandardCharsets.UTF_8);
        if (options.report()) {
            // a --no-report run (a subset, a trial) leaves the last reported run as latest.json
            Files.copy(resultsFile, resultsDir.resolve("latest.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        log("raw results: " + resultsFile);

        List<JmhResult> sorted = new ArrayList<>(jmh);
        sorted.sort(Comparator.comparing(JmhResult::benchmark));
        Report.Content content = new Report.Content(options.profile(), date, wall, command,
                viaJava ? null : javaCommand(), machine, load,
                evaluated, facts, sorted, missing,
                options.repo().toAbsolutePath().normalize().relativize(resultsFile.toAbsolutePath().normalize())
                        .toString(), gcc);
        String region = Report.region(content);
        if (options.report()) {
            Path md = options.repo().resolve("BENCHMARKS.md");
            Report.rewrite(md, region);
            log("rewrote the generated region of " + md);
        }
        log.println();
        log.println(region);
        return 0;
    }

    private List<String> expectedBenchmarks(List<String> includes, List<String> excludes) {
        TreeSet<String> names = new TreeSet<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), includes, excludes)) {
            names.add(e.getUsername());
        }
        return List.copyOf(names);
    }

    private List<JmhResult> runJmh(List<String> includes, List<String> excludes, Path json) throws RunnerException {
        Profile p = options.profile();
        ChainedOptionsBuilder b = new OptionsBuilder()
                .forks(p.forks())
                .warmupIterations(p.warmupIterations())
                .warmupTime(TimeValue.seconds(p.warmupSeconds()))
                .measurementIterations(p.iterations())
                .measurementTime(TimeValue.seconds(p.iterationSeconds()))
                .timeout(TimeValue.minutes(2))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(false)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        includes.forEach(b::include);
        excludes.forEach(b::exclude);
        Collection<RunResult> results = runHoldingJmhLock(b);
        List<JmhResult> out = new ArrayList<>();
        for (RunResult r : results) {
            out.add(JmhResult.of(r));
        }
        return out;
    }

    /**
     * Runs JMH; while another JMH run on this machine holds JMH's lock ({@code /tmp/jmh.lock}), waits
     * for it (up to 30 minutes) instead of measuring beside it: two runs at once skew each other.
     */
    private Collection<RunResult> runHoldingJmhLock(ChainedOptionsBuilder b) throws RunnerException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (true) {
            try {
                return new Runner(b.build()).run();
            } catch (RunnerException e) {
                boolean locked = String.valueOf(e.getMessage()).contains("Unable to acquire the JMH lock");
                if (!locked || System.nanoTime() > deadline) {
                    throw e;
                }
                log("another JMH run holds /tmp/jmh.lock; waiting for it to finish");
                try {
                    Thread.sleep(15_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Evaluates every row for every matching parameter combination, running external peers once per
     * key. Rows come out grouped by subject (in the order rows first name it), then by parameter
     * combination (in JMH's order), then in row order, so one combination's peers sit together.
     */
    private List<RowResult> evaluate(List<Row> rows, List<JmhResult> jmh, PeerContext ctx,
                                     List<Map<String, Object>> peerRuns) throws InterruptedException {
        Map<String, Object> cache = new HashMap<>(); // key -> PeerRun or the failure message
        List<RowResult> out = new ArrayList<>();
        List<String> subjects = rows.stream().map(Row::subject).distinct().toList();
        for (String subjectName : subjects) {
            for (JmhResult subject : jmh) {
                if (!subject.benchmark().equals(subjectName)) {
                    continue;
                }
                for (Row row : rows) {
                    if (row.subject().equals(subjectName) && row.when().test(subject.params())) {
                        out.add(evaluate(row, subject, jmh, ctx, options.peers() ? cache : null, peerRuns));
                    }
                }
            }
        }
        return out;
    }

    /** One row for one subject result; {@code cache} is null when external peers are not to run. */
    private static RowResult evaluate(Row row, JmhResult subject, List<JmhResult> jmh, PeerContext ctx,
                                      Map<String, Object> cache, List<Map<String, Object>> peerRuns)
            throws InterruptedException {
        Measure peer = null;
        double peerAlloc = Double.NaN;
        String problem = null;
        switch (row.peer()) {
            case JmhPeer jp -> {
                Params want = jp.params().apply(subject.params());
                JmhResult match = jmh.stream().filter(r -> r.benchmark().equals(jp.benchmark())
                        && r.params().equals(want)).findFirst().orElse(null);
                if (match == null) {
                    problem = "no JMH result for " + jp.benchmark() + " " + want;
                } else {
                    peer = match.measure();
                    peerAlloc = match.allocBytesPerOp();
                }
            }
            case ExternalPeer ep when cache == null -> problem = "not run (--no-peers)";
            case ExternalPeer ep -> {
                String key = ep.label() + ": " + ep.key(subject.params(), ctx);
                Object done = cache.get(key);
                if (done == null) {
                    ctx.log("peer " + key);
                    done = runPeer(ep, subject.params(), ctx, key, peerRuns);
                    cache.put(key, done);
                }
                if (done instanceof PeerRun run) {
                    peer = run.measure();
                } else {
                    problem = (String) done;
                }
            }
        }
        double ratio = peer == null ? Double.NaN : subject.measure().speedupOver(peer);
        if (peer != null && Double.isNaN(ratio)) {
            problem = "units differ: " + subject.measure().unit().symbol() + " vs " + peer.unit().symbol();
        }
        return new RowResult(row, subject, peer, peerAlloc, problem, ratio,
                Objects.requireNonNull(row.goal().apply(subject.params()), "goal"));
    }

    private static Object runPeer(ExternalPeer ep, Params params, PeerContext ctx, String key,
                                  List<Map<String, Object>> peerRuns) throws InterruptedException {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("key", key);
        try {
            PeerRun run = ep.run(params, ctx);
            ctx.log("  " + run.measure().display());
            record.put("command", run.command());
            record.put("value", run.measure().value());
            record.put("error", run.measure().error());
            record.put("unit", run.measure().unit().symbol());
            record.put("output", run.output());
            peerRuns.add(record);
            return run;
        } catch (IOException | RuntimeException e) {
            ctx.log("  failed: " + e.getMessage());
            record.put("failure", String.valueOf(e.getMessage()));
            peerRuns.add(record);
            return String.valueOf(e.getMessage());
        }
    }

    private static Map<String, Object> rowJson(RowResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", r.row().title());
        m.put("subject", r.subject().benchmark());
        m.put("params", r.subject().params().asMap());
        m.put("value", r.subject().measure().value());
        m.put("error", r.subject().measure().error());
        m.put("unit", r.subject().measure().unit().symbol());
        m.put("allocBytesPerOp", r.subject().allocBytesPerOp());
        m.put("peer", r.row().peer().label());
        m.put("peerValue", r.peerMeasure() == null ? null : r.peerMeasure().value());
        m.put("peerError", r.peerMeasure() == null ? null : r.peerMeasure().error());
        m.put("peerUnit", r.peerMeasure() == null ? null : r.peerMeasure().unit().symbol());
        m.put("peerAllocBytesPerOp", r.peerAllocBytesPerOp());
        m.put("peerProblem", r.peerProblem());
        m.put("ratio", r.ratio());
        m.put("goal", r.goal().text());
        m.put("met", r.goal().exists() && !Double.isNaN(r.ratio()) ? r.goal().met(r.ratio()) : null);
        return m;
    }

    /** The java command line that runs this harness with the same options (without --command). */
    private String javaCommand() {
        List<String> parts = new ArrayList<>(List.of("java"));
        parts.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        parts.add("-cp");
        parts.add(System.getProperty("java.class.path"));
        parts.add(BenchHarness.class.getName());
        parts.addAll(options.args());
        return String.join(" ", parts.stream().map(s -> s.isEmpty() || s.matches(".*[\\s'\"$*?].*")
                ? "'" + s.replace("'", "'\\''") + "'" : s).toList());
    }

    /** The 1-minute load average from /proc/loadavg: other work on the machine skews every figure. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private void log(String line) {
        log.println("[bench] " + line);
        log.flush();
    }
}
