/**
 * p9 server benchmarks: {@link io.jnetfs.benchmarks.p9server.P9ServerVsDiod} reads and writes 1 GiB with
 * the jnetfs client through this project's 9P server and through diod in the same run, runs
 * {@code diodcat} against both and {@code diodload} against both {@code ctl} exports, round by round
 * (the "p9 server" section of BENCHMARKS.md). {@link io.jnetfs.benchmarks.p9server.Servers} starts the
 * two servers as processes of their own; {@link io.jnetfs.benchmarks.p9server.WholeFileIo} drives the
 * client with reads or writes always in flight.
 */
package io.jnetfs.benchmarks.p9server;
