package io.jnetfs.benchmarks.harness;

import io.jnetfs.benchmarks.writev.WritevBenchmark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowsTest {
    @Test
    void findsThePackagesRowSourceByName() {
        List<String> log = new ArrayList<>();
        List<Row> rows = Rows.discover(List.of(Row.benchmark(WritevBenchmark.class, "nativeWritev"),
                "io.jnetfs.benchmarks.nowhere.Missing.run"), log::add);
        assertFalse(rows.isEmpty());
        assertTrue(rows.stream().allMatch(r -> r.subject().startsWith(WritevBenchmark.class.getName() + ".")));
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.getFirst().contains("io.jnetfs.benchmarks.nowhere"), log.toString());
    }

    @Test
    void writevRowsCarryIssue3GoalsOnlyFor16IovecsToDevNull() {
        List<Row> rows = Rows.discover(List.of(Row.benchmark(WritevBenchmark.class, "nativeWritev")), s -> { });
        Params issue3 = Params.of("target", "devnull", "shape", "16x65536");
        Params other = Params.of("target", "file", "shape", "16x65536");
        List<String> goals = rows.stream().map(r -> r.goal().apply(issue3).text()).filter(t -> !t.isEmpty())
                .distinct().toList();
        assertEquals(List.of("≥ 1.30x NIO", "within 10% of C", "within 10% of C with a second thread"), goals);
        assertTrue(rows.stream().noneMatch(r -> r.goal().apply(other).exists()));
    }
}
