package io.jnetfs.p9.server;

import java.nio.file.Path;

/**
 * What a {@link P9Server.Builder} collected, checked and immutable; shared by the server and every
 * connection.
 *
 * @param root the exported directory (absolute, real path)
 * @param host the IPv4 address to listen on
 * @param port the port to listen on (0: any free port)
 * @param readOnly whether every request that would change the export fails with {@code EROFS}
 * @param maxMsize the largest msize granted in Rversion
 * @param ctl whether aname {@code "ctl"} attaches the synthetic export with {@code zero} and {@code null}
 * @param maxConnections connections served at once; more are closed as soon as accepted
 * @param maxFids fids per connection; a walk or attach beyond fails with {@code EMFILE}
 * @param maxRequests requests in flight per connection; the reader stops reading beyond
 * @param maxInFlightBytes data buffer bytes per connection (Tread, Treaddir, Twrite payloads)
 * @param workers worker threads per connection, for Treads with more requests waiting behind them and
 *     for Tfsync (0: the reader thread runs every request itself)
 * @param splice whether Rread data goes from a regular file to the socket by {@code splice} (file -&gt; pipe
 *     -&gt; socket) where the request allows it, instead of being copied through a data buffer
 * @param ioUring whether each connection receives on io_uring (multishot receive into a provided-buffer
 *     ring, SINGLE_ISSUER and DEFER_TASKRUN, its ring fd registered), falling back on the blocking receive
 *     where the kernel refuses
 * @param idleTimeoutNanos a connection silent this long is closed (0: never)
 * @param messageTimeoutNanos a message begun must arrive whole, and a reply must leave, within this
 */
record ServerConfig(Path root, String host, int port, boolean readOnly, int maxMsize, boolean ctl, int maxConnections,
                    int maxFids, int maxRequests, long maxInFlightBytes, int workers, boolean splice, boolean ioUring, long idleTimeoutNanos,
                    long messageTimeoutNanos) {

    /** {@return the receive tick: how often a blocked reader looks at its deadlines and at shutdown} */
    long tickNanos() {
        long t = messageTimeoutNanos / 4;
        if (idleTimeoutNanos > 0) {
            t = Math.min(t, idleTimeoutNanos / 4);
        }
        return Math.clamp(t, 20_000_000L, 500_000_000L);
    }
}
