/**
 * Support shared by every module's tests, used in test scope only: {@link io.jnetfs.testkit.Require}
 * decides whether a test whose peer (diod, Ganesha, fio...) or kernel feature (io_uring, one of its
 * opcodes, FUSE...) is missing is skipped with the reason, as on a developer's laptop, or fails with it,
 * as in CI where {@code -Djnetfs.require} names what the run must have.
 */
package io.jnetfs.testkit;
