package io.jnetfs.benchmarks.harness;

/**
 * One evaluated row: the subject's figure against the peer's, their ratio and whether the goal is met.
 *
 * @param row the definition
 * @param subject the subject's JMH result
 * @param peerMeasure the peer's figure, or null if the peer failed or is missing
 * @param peerAllocBytesPerOp the peer's allocation per operation (JMH peers), else NaN
 * @param peerProblem why there is no peer figure, or null
 * @param ratio the subject's rate over the peer's ({@link Measure#speedupOver(Measure)}), or NaN
 * @param goal the goal for the subject's parameters
 */
record RowResult(Row row, JmhResult subject, Measure peerMeasure, double peerAllocBytesPerOp, String peerProblem,
                 double ratio, Goal goal) {

    /** {@return "yes", "no", or "" where there is no goal; "n/a" where there is no ratio} */
    String metText() {
        if (!goal.exists()) {
            return "";
        }
        if (Double.isNaN(ratio)) {
            return "n/a";
        }
        return goal.met(ratio) ? "yes" : "**no**";
    }
}
