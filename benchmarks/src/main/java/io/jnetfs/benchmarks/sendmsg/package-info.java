/**
 * Experiment: sending one whole RPC (a 64-byte header and N data buffers) on a loopback TCP
 * connection with TCP_NODELAY, as one {@code sendmsg} against two sends (header, then data), NIO's
 * gathering write and the C reference {@code sendmsg_loop.c}. The 9P client's issue owns the goal of
 * this row; until that client exists the jnetfs side is {@code Native.sendmsg} of a prebuilt
 * {@code struct msghdr}. {@link io.jnetfs.benchmarks.sendmsg.BenchmarkRows} defines the rows.
 */
package io.jnetfs.benchmarks.sendmsg;
