/**
 * The examples of the README's "Use it as a library" section, compiled and run by the build
 * ({@link io.jnetfs.p9.nio.examples.ExamplesTest}), which also checks that the README shows each one's
 * code as it is here (between the {@code README:begin} and {@code README:end} markers).
 */
package io.jnetfs.p9.nio.examples;
