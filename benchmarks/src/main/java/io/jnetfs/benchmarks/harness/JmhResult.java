package io.jnetfs.benchmarks.harness;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.TreeMap;

/**
 * One JMH benchmark's result in a run, with its allocation per operation from {@code -prof gc}.
 *
 * @param benchmark the full name, {@code package.Class.method}
 * @param params its {@code @Param} values
 * @param measure the primary score, normalised
 * @param allocBytesPerOp {@code gc.alloc.rate.norm}, or NaN without the GC profiler
 */
record JmhResult(String benchmark, Params params, Measure measure, double allocBytesPerOp) {

    /**
     * Extracts a result from JMH's run result.
     *
     * @param r the run result
     * @return the result
     */
    @SuppressWarnings("rawtypes") // JMH's getSecondaryResults() is a Map<String, Result> of the raw type
    static JmhResult of(RunResult r) {
        BenchmarkParams bp = r.getParams();
        TreeMap<String, String> params = new TreeMap<>();
        for (String k : bp.getParamsKeys()) {
            params.put(k, bp.getParam(k));
        }
        Result<?> primary = r.getPrimaryResult();
        double alloc = Double.NaN;
        for (var e : r.getSecondaryResults().entrySet()) {
            // JMH 1.37 names it "gc.alloc.rate.norm"; older versions prefix a middle dot
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                alloc = e.getValue().getScore();
            }
        }
        return new JmhResult(bp.getBenchmark(), new Params(params),
                Measure.fromJmh(primary.getScore(), primary.getScoreError(), primary.getScoreUnit()), alloc);
    }

    /** {@return the benchmark's {@code Class.method}, without the package} */
    String shortName() {
        int m = benchmark.lastIndexOf('.');
        int c = benchmark.lastIndexOf('.', m - 1);
        return benchmark.substring(c + 1);
    }
}
