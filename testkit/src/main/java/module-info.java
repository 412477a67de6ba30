/** Test support: {@code Require.feature} (skip on a laptop, fail under CI's {@code -Djnetfs.require}). */
module io.jnetfs.testkit {
    requires transitive org.junit.jupiter.api;
    exports io.jnetfs.testkit;
}
