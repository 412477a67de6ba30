package io.jnetfs.benchmarks.harness;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code @Param} values of one JMH benchmark run, by name, sorted: what a row matches on and what
 * an external peer builds its command line from.
 *
 * @param values parameter name to value (unmodifiable)
 */
public record Params(SortedMap<String, String> values) {
    /** No parameters. */
    public static final Params NONE = new Params(new TreeMap<>());

    /**
     * Copies the map.
     *
     * @param values parameter name to value
     */
    public Params {
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    /**
     * Parameters from alternating names and values.
     *
     * @param namesAndValues {@code name1, value1, name2, value2, ...}
     * @return the parameters
     * @throws IllegalArgumentException if the count is odd
     */
    public static Params of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd namesAndValues.length=" + namesAndValues.length);
        }
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new Params(m);
    }

    /**
     * One value.
     *
     * @param name the parameter's name
     * @return its value
     * @throws IllegalArgumentException if there is no such parameter
     */
    public String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter name=" + name + " in " + this);
        }
        return v;
    }

    /**
     * Whether a parameter has a value.
     *
     * @param name the parameter's name
     * @param value the value to compare with
     * @return true if the parameter exists and equals {@code value}
     */
    public boolean is(String name, String value) {
        return value.equals(values.get(name));
    }

    /**
     * A copy with one value set.
     *
     * @param name the parameter's name
     * @param value its new value
     * @return the new parameters
     */
    public Params with(String name, String value) {
        TreeMap<String, String> m = new TreeMap<>(values);
        m.put(name, value);
        return new Params(m);
    }

    /** {@return {@code name=value} pairs separated by spaces, or an empty string} */
    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** {@return the values as a plain map, for the results file} */
    Map<String, String> asMap() {
        return values;
    }
}
