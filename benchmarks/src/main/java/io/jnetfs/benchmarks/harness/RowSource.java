package io.jnetfs.benchmarks.harness;

import java.util.List;

/**
 * The rows of one benchmark package. The harness finds them by name: for every package that has a
 * benchmark in the run it loads {@code <package>.BenchmarkRows} (a public class with a public no-arg
 * constructor implementing this interface) if there is one. See {@link io.jnetfs.benchmarks.harness}.
 */
public interface RowSource {
    /** The simple class name the harness looks for in each benchmark package. */
    String CLASS_NAME = "BenchmarkRows";

    /** {@return the package's rows, in table order} */
    List<Row> rows();
}
