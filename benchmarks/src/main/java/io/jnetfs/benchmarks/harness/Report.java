package io.jnetfs.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes the generated region of {@code BENCHMARKS.md}: the machine, the date, the exact command, the
 * comparison table, the machine facts and every JMH result. Only the text between {@link #BEGIN} and
 * {@link #END} is replaced; the rest of the file is left as its authors wrote it.
 */
final class Report {
    /** The line that opens the generated region. */
    static final String BEGIN = "<!-- BEGIN GENERATED: make bench -->";
    /** The line that closes it. */
    static final String END = "<!-- END GENERATED: make bench -->";

    private static final String NEW_FILE = """
            # jnetfs benchmarks

            Users choose jnetfs for speed, so every claim here is measured by one command on the machine
            described below, in one run that also measures what jnetfs is compared with: Java NIO (in the
            same JMH run), C reference programs compiled with gcc at bench time (the syscall floor), fio and
            diodcat.

            ```sh
            make bench       # short profile, under 15 minutes on 2 cores
            make bench-full  # long profile
            ```

            Raw JMH and peer output goes to `benchmarks/results/` (`latest.json` is the last run). The region
            below is rewritten by every run; edit the text outside it. How to add a row: see
            `benchmarks/src/main/java/io/jnetfs/benchmarks/harness/package-info.java`.

            """;

    /**
     * Everything one report shows.
     *
     * @param profile the profile run
     * @param date when the run started (ISO 8601, UTC)
     * @param wallSeconds how long the harness ran
     * @param command how it was invoked, such as {@code make bench}
     * @param javaCommand the exact java command line {@code command} ran, or null if it is that line
     * @param machine the machine
     * @param load the load average at the start and end of the run
     * @param rows the evaluated rows
     * @param facts the machine facts, or null when not measured
     * @param jmh every JMH result
     * @param missing benchmarks that produced no result
     * @param resultsFile the raw results file, relative to the repository
     * @param gccCommand the gcc flags used for the C references
     */
    record Content(Profile profile, String date, long wallSeconds, String command, String javaCommand,
                   MachineDescription machine, String load, List<RowResult> rows, List<MachineFacts.Fact> facts,
                   List<JmhResult> jmh, List<String> missing, String resultsFile, String gccCommand) {
    }

    private Report() {
    }

    /**
     * The Markdown of the generated region, markers included.
     *
     * @param c what to show
     * @return the region's text
     */
    static String region(Content c) {
        StringBuilder sb = new StringBuilder();
        sb.append(BEGIN).append('\n');
        sb.append("<!-- Written by io.jnetfs.benchmarks.harness.BenchHarness; edits here are lost on the next run. -->\n\n");
        sb.append("Run of ").append(c.date()).append(", profile `").append(c.profile().name().toLowerCase(Locale.ROOT))
                .append("`, ").append(minutes(c.wallSeconds())).append(" of benchmarking.\n\n");
        sb.append("- **Machine:** ").append(cell(c.machine().markdown())).append('\n');
        sb.append("- **Load:** ").append(c.load()).append(" (").append(c.machine().cores())
                .append(" cores; anything else running during the run skews the figures)\n");
        sb.append("- **Command:** `").append(c.command()).append('`');
        if (c.javaCommand() != null) {
            sb.append(", which ran `").append(c.javaCommand()).append('`');
        }
        sb.append('\n');
        sb.append("- **JMH:** `").append(c.profile().jmhOptions()).append("`; **peers:** ")
                .append(c.profile().peerOptions()).append(", C compiled with `").append(c.gccCommand())
                .append("`; fio always with `--iomem_align=4096`\n");
        sb.append("- **Raw results:** `").append(c.resultsFile()).append("` (also `benchmarks/results/latest.json`)\n\n");

        sb.append("### Comparisons\n\n");
        if (c.rows().isEmpty()) {
            sb.append("No rows: no benchmark with a row definition ran.\n\n");
        } else {
            sb.append("| benchmark | params | jnetfs | peer | peer value | ratio | alloc B/op | goal | met? |\n");
            sb.append("|---|---|---:|---|---:|---:|---:|---|---|\n");
            for (RowResult r : c.rows()) {
                sb.append("| ").append(cell(r.row().title()))
                        .append(" | ").append(cell(r.subject().params().toString()))
                        .append(" | ").append(r.subject().measure().display())
                        .append(" | ").append(cell(r.row().peer().label()))
                        .append(" | ").append(r.peerMeasure() != null ? r.peerMeasure().display()
                                : "failed: " + cell(Json.abbreviate(String.valueOf(r.peerProblem()))))
                        .append(" | ").append(ratio(r.ratio()))
                        .append(" | ").append(alloc(r.subject().allocBytesPerOp()))
                        .append(" | ").append(cell(r.goal().text()))
                        .append(" | ").append(r.metText()).append(" |\n");
            }
            sb.append("\nratio: how many times faster jnetfs is than the peer (the peer's time per operation over "
                    + "jnetfs's, or jnetfs's rate over the peer's); above 1 jnetfs is faster. ± is the half-width of "
                    + "the 99.9% confidence interval over the measured iterations (JMH's, computed the same way for "
                    + "the C peers; fio reports none). alloc B/op: `gc.alloc.rate.norm` of the jnetfs benchmark "
                    + "(`-prof gc`); it counts what every JVM thread allocated (JMH's own threads too) per "
                    + "operation, so operations slower than about 10 µs show a few B/op of JMH's noise.\n\n");
        }

        if (c.facts() != null) {
            sb.append("### Machine facts\n\n");
            sb.append("| fact | measured | issue's figure | how |\n|---|---:|---|---|\n");
            for (MachineFacts.Fact f : c.facts()) {
                sb.append("| ").append(cell(f.name())).append(" | ")
                        .append(f.measure() != null ? f.measure().display()
                                : "failed: " + cell(Json.abbreviate(String.valueOf(f.problem()))))
                        .append(" | ").append(cell(f.reference())).append(" | ")
                        .append(f.how().isEmpty() ? "" : "`" + cell(f.how()) + "`").append(" |\n");
            }
            sb.append("\nGB/s are 10^9 bytes per second. The issue's figures were measured on another machine; "
                    + "they are there for scale, not as goals.\n\n");
        }

        sb.append("### All JMH results\n\n");
        sb.append("| benchmark | params | score | alloc B/op |\n|---|---|---:|---:|\n");
        for (JmhResult r : c.jmh()) {
            sb.append("| ").append(cell(r.shortName())).append(" | ").append(cell(r.params().toString()))
                    .append(" | ").append(r.measure().display()).append(" | ").append(alloc(r.allocBytesPerOp()))
                    .append(" |\n");
        }
        if (!c.missing().isEmpty()) {
            sb.append("\nNo result (failed or excluded during the run): ");
            sb.append(String.join(", ", c.missing().stream().map(m -> "`" + m + "`").toList())).append('\n');
        }
        sb.append('\n').append(END).append('\n');
        return sb.toString();
    }

    /**
     * Replaces the generated region of a document, or appends one if it has none.
     *
     * @param document the whole file
     * @param region the new region, markers included
     * @return the new file
     * @throws IllegalArgumentException if the markers are unbalanced or out of order
     */
    static String replaceRegion(String document, String region) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 && end < 0) {
            String sep = document.isEmpty() || document.endsWith("\n\n") ? "" : document.endsWith("\n") ? "\n" : "\n\n";
            return document + sep + region;
        }
        if (begin < 0 || end < begin || document.indexOf(BEGIN, begin + 1) >= 0 || document.indexOf(END, end + 1) >= 0) {
            throw new IllegalArgumentException("BENCHMARKS.md has unbalanced markers: want exactly one '" + BEGIN
                    + "' before exactly one '" + END + "'");
        }
        int after = end + END.length();
        if (after < document.length() && document.charAt(after) == '\n') {
            after++;
        }
        return document.substring(0, begin) + region + document.substring(after);
    }

    /**
     * Rewrites the generated region of {@code file}, creating the file with a short introduction if it
     * does not exist.
     *
     * @param file BENCHMARKS.md
     * @param region the new region
     * @throws IOException if the file cannot be read or written
     */
    static void rewrite(Path file, String region) throws IOException {
        String doc = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : NEW_FILE;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, replaceRegion(doc, region), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A ratio as printed.
     *
     * @param r the ratio
     * @return such as {@code 1.33x}, or {@code n/a}
     */
    static String ratio(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
    }

    /**
     * An allocation per operation as printed.
     *
     * @param a bytes per operation
     * @return 0 below 0.01 B/op (JMH's rounding noise), else the number; {@code n/a} without a figure
     */
    static String alloc(double a) {
        if (Double.isNaN(a)) {
            return "n/a";
        }
        return a < 0.01 ? "0" : Measure.number(a);
    }

    private static String minutes(long s) {
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }

    /** Text safe inside a Markdown table cell. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
