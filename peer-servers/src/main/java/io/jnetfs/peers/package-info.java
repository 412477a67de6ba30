/**
 * The real 9P servers that jnetfs is tested and measured against, started by this process on 127.0.0.1:
 * {@link io.jnetfs.peers.Diod} (a process, or a container on a Docker engine) and
 * {@link io.jnetfs.peers.Ganesha} (NFS-Ganesha's 9P over a directory or a GlusterFS volume), servers of the
 * same shape ({@link io.jnetfs.peers.PeerServer}). Ganesha binds every interface, so it starts only where
 * this process runs in a network namespace with nothing but {@code lo} ({@link io.jnetfs.peers.LoopbackNamespace}).
 *
 * <p>One fixture per server for everyone who starts one: the tests of every module, the benchmarks and
 * {@code jnetfs demo --server diod}. Each has one availability rule, a method that returns {@code null}
 * where the server can be started and otherwise the reason (what to install or start), which a test hands
 * to {@code io.jnetfs.testkit.Require.feature(FEATURE, reason)}: skipped with the reason on a laptop,
 * failed where the run demands the feature ({@code -Djnetfs.require}, as CI does). Nothing here depends
 * on a test framework.
 *
 * <p>A server owns a run directory of its own ({@code $TMPDIR/jnetfs-NAME-XXXX}: its log, its
 * configuration), deleted when it is closed; a server left open when the JVM exits is closed by a shutdown
 * hook. Ports are free loopback ports chosen at start, with a few tries where another process takes one
 * first. Testcontainers is an optional dependency, loaded only in container mode.
 */
package io.jnetfs.peers;
