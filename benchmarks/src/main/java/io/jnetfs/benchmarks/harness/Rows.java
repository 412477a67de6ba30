package io.jnetfs.benchmarks.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/** The row registry: collects the {@link RowSource}s of the benchmark packages in a run. */
final class Rows {
    private Rows() {
    }

    /**
     * The rows of every package that has a benchmark among {@code benchmarks}, packages in name order.
     *
     * @param benchmarks full benchmark names ({@code package.Class.method})
     * @param log told about packages without rows and sources that fail to load
     * @return the rows
     */
    static List<Row> discover(Collection<String> benchmarks, Consumer<String> log) {
        TreeSet<String> packages = new TreeSet<>();
        for (String b : benchmarks) {
            String cls = b.substring(0, b.lastIndexOf('.'));
            packages.add(cls.substring(0, cls.lastIndexOf('.')));
        }
        List<Row> rows = new ArrayList<>();
        for (String pkg : packages) {
            String name = pkg + "." + RowSource.CLASS_NAME;
            Class<?> c;
            try {
                c = Class.forName(name);
            } catch (ClassNotFoundException e) {
                log.accept("no rows for package " + pkg + " (no " + name + "); its results are listed only");
                continue;
            }
            try {
                if (!RowSource.class.isAssignableFrom(c)) {
                    log.accept(name + " does not implement " + RowSource.class.getName() + "; ignored");
                    continue;
                }
                rows.addAll(((RowSource) c.getConstructor().newInstance()).rows());
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.accept("cannot load rows from " + name + ": " + e);
            }
        }
        return rows;
    }
}
