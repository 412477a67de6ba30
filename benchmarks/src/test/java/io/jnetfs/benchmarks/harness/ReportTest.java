package io.jnetfs.benchmarks.harness;

import io.jnetfs.benchmarks.writev.WritevBenchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {
    private static final String REGION = Report.BEGIN + "\nnew\n" + Report.END + "\n";

    @Test
    void replacesOnlyTheRegion() {
        String doc = "# title\n\nhand-written\n\n" + Report.BEGIN + "\nold\n" + Report.END + "\n\nafter\n";
        assertEquals("# title\n\nhand-written\n\n" + REGION + "\nafter\n", Report.replaceRegion(doc, REGION));
    }

    @Test
    void appendsARegionToADocumentWithout() {
        assertEquals("# t\n\n" + REGION, Report.replaceRegion("# t\n", REGION));
    }

    @Test
    void refusesUnbalancedMarkers() {
        assertThrows(IllegalArgumentException.class, () -> Report.replaceRegion(Report.BEGIN + "\n", REGION));
        assertThrows(IllegalArgumentException.class,
                () -> Report.replaceRegion(Report.END + "\n" + Report.BEGIN + "\n", REGION));
        assertThrows(IllegalArgumentException.class, () -> Report.replaceRegion(
                Report.BEGIN + Report.END + Report.BEGIN + Report.END, REGION));
    }

    @Test
    void writesTheTableAndKeepsTheRestOfTheFile(@TempDir Path dir) throws IOException {
        String subject = Row.benchmark(WritevBenchmark.class, "nativeWritev");
        Params p = Params.of("target", "devnull", "shape", "16x65536");
        JmhResult r = new JmhResult(subject, p, new Measure(300, 5, Measure.Unit.NS_PER_OP), 0.001);
        Row row = Row.of("writev | floor", subject, Peer.jmh("NIO", "x.Y.z")).goal(Goal.atLeast(1.3, "NIO"));
        RowResult rr = new RowResult(row, r, new Measure(400, 4, Measure.Unit.NS_PER_OP), 0, null, 4.0 / 3,
                Goal.atLeast(1.3, "NIO"));
        MachineDescription m = new MachineDescription("cpu", 2, 1L << 30, "6.18", "Debian", "jdk",
                Map.of("gcc", "12"), "/tmp (ext4)");
        String region = Report.region(new Report.Content(Profile.SHORT, "2025-01-01T00:00:00Z", 61, "make bench",
                "java -cp x Main", m, "load 0.1", List.of(rr), null, List.of(r), List.of("a.B.c"), "benchmarks/results/x.json",
                "gcc -O2"));
        assertTrue(region.contains("| writev \\| floor | shape=16x65536 target=devnull | 300 ± 5.00 ns/op | NIO | "
                + "400 ± 4.00 ns/op | 1.33x | 0 | ≥ 1.30x NIO | yes |"), region);
        assertTrue(region.contains("1 min 1 s"), region);
        assertTrue(region.contains("`make bench`, which ran `java -cp x Main`"), region);
        assertTrue(region.contains("`a.B.c`"), region);

        Path md = dir.resolve("BENCHMARKS.md");
        Files.writeString(md, "# mine\n\n" + Report.BEGIN + "\nstale\n" + Report.END + "\ntail\n");
        Report.rewrite(md, region);
        String after = Files.readString(md);
        assertTrue(after.startsWith("# mine\n\n" + Report.BEGIN), after);
        assertTrue(after.endsWith(Report.END + "\ntail\n"), after);
        assertTrue(!after.contains("stale"), after);
    }
}
