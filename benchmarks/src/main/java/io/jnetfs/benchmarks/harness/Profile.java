package io.jnetfs.benchmarks.harness;

/**
 * How long everything runs: JMH's forks and iterations (which override the benchmarks' own
 * annotations) and the external peers' warmup and iterations, chosen to match JMH's.
 */
public enum Profile {
    /** {@code make bench}: -f 1 -wi 2 -w 1s -i 3 -r 1s; peers 1 s warmup, 3 x 1 s. */
    SHORT(1, 2, 1, 3, 1, 1, 3, 1),
    /** {@code make bench-full}: -f 3 -wi 5 -w 2s -i 5 -r 2s; peers 3 s warmup, 5 x 2 s. */
    FULL(3, 5, 2, 5, 2, 3, 5, 2);

    private final int forks;
    private final int warmupIterations;
    private final int warmupSeconds;
    private final int iterations;
    private final int iterationSeconds;
    private final int peerWarmupSeconds;
    private final int peerIterations;
    private final int peerIterationSeconds;

    Profile(int forks, int warmupIterations, int warmupSeconds, int iterations, int iterationSeconds,
            int peerWarmupSeconds, int peerIterations, int peerIterationSeconds) {
        this.forks = forks;
        this.warmupIterations = warmupIterations;
        this.warmupSeconds = warmupSeconds;
        this.iterations = iterations;
        this.iterationSeconds = iterationSeconds;
        this.peerWarmupSeconds = peerWarmupSeconds;
        this.peerIterations = peerIterations;
        this.peerIterationSeconds = peerIterationSeconds;
    }

    /** {@return JMH forks per benchmark} */
    public int forks() {
        return forks;
    }

    /** {@return JMH warmup iterations} */
    public int warmupIterations() {
        return warmupIterations;
    }

    /** {@return seconds per JMH warmup iteration} */
    public int warmupSeconds() {
        return warmupSeconds;
    }

    /** {@return JMH measurement iterations} */
    public int iterations() {
        return iterations;
    }

    /** {@return seconds per JMH measurement iteration} */
    public int iterationSeconds() {
        return iterationSeconds;
    }

    /** {@return an external peer's uncounted warmup, in seconds} */
    public int peerWarmupSeconds() {
        return peerWarmupSeconds;
    }

    /** {@return an external peer's measured iterations} */
    public int peerIterations() {
        return peerIterations;
    }

    /** {@return seconds per external peer iteration} */
    public int peerIterationSeconds() {
        return peerIterationSeconds;
    }

    /** {@return the JMH settings as command-line options, for the report} */
    public String jmhOptions() {
        return "-f " + forks + " -wi " + warmupIterations + " -w " + warmupSeconds + "s -i " + iterations
                + " -r " + iterationSeconds + "s -prof gc";
    }

    /** {@return the peers' settings, for the report} */
    public String peerOptions() {
        return peerWarmupSeconds + " s warmup, " + peerIterations + " x " + peerIterationSeconds + " s";
    }
}
