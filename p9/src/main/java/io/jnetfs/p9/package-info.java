/**
 * A 9P2000.L client over bvecq chains and our own FFM sockets, tested against the real diod server.
 *
 * <ul>
 *   <li>{@link io.jnetfs.p9.P9Client}: the public edge: connect (Tversion, Tattach), {@link io.jnetfs.p9.Fid}s
 *       with explicit lifetimes, file operations that throw {@link io.jnetfs.p9.P9Exception}, and
 *       allocation-free asynchronous reads and writes with a primitive {@link io.jnetfs.p9.P9Callback}
 *       (what the netfs engine drives);</li>
 *   <li>{@code P9Session}: the same operations on fid numbers, returning {@code -errno}; one per connection;</li>
 *   <li>{@code Reconnect} (who recovers a lost connection: connects again, attaches, walks and reopens
 *       every live fid, publishes the new session) and {@code Resend} (who sends the asynchronous
 *       Treads and Twrites lost with a connection again);</li>
 *   <li>{@code P9Connection}: one connection's parts tied together, its failure and close; the parts,
 *       one job each (as net/9p's client.c and trans_fd.c):
 *       {@code VersionExchange} (Tversion), {@code TagTable} (tags, request slots, completion),
 *       {@code SendQueue} (the queue, plugs, the send lock and the sender thread: requests queued
 *       together leave in one {@code sendmsg}), {@code Receiver} with {@code DirectReceiver} and
 *       {@code BulkReceiver} (the receiving thread, one per {@link io.jnetfs.p9.ReceiveMode}: who
 *       receives an Rread), {@code Cancellation} (cancel, timeouts, Tflush);</li>
 *   <li>{@code Transport}: {@code sendmsg}/{@code recvmsg} on a socket ({@code SocketTransport}), or as
 *       io_uring SENDMSG/RECVMSG submissions ({@code UringTransport}); chosen by
 *       {@link io.jnetfs.p9.TransportKind};</li>
 *   <li>{@link io.jnetfs.p9.P9Codec}, {@link io.jnetfs.p9.P9Descriptor}, {@link io.jnetfs.p9.P9Type},
 *       {@link io.jnetfs.p9.P9Flags}: the wire format, by the spec's and the kernel's names.</li>
 * </ul>
 */
package io.jnetfs.p9;
