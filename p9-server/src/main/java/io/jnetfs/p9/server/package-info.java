/**
 * A 9P2000.L file server on the same stack as the client: FFM sockets, bvecq chains over pooled
 * folios, {@code preadv2}/{@code pwritev2}, and ONE {@code sendmsg} per Rread of [header, data iovecs].
 *
 * <ul>
 *   <li>{@link io.jnetfs.p9.server.P9Server}: the public edge (builder, start, port, stats, close);
 *       {@link io.jnetfs.p9.server.ServeMain}: {@code jnetfs serve} as a plain main;
 *       {@link io.jnetfs.p9.server.ServerStats}: its counters;</li>
 *   <li>{@code ServerConnection}: one client: its reader loop, Tversion and Tflush, running a request and
 *       its reply, teardown; its parts: {@code RequestReceiver} (strict framing, Twrite payloads
 *       received straight into data buffers), {@code InFlightRequests} (slots, data buffers, the
 *       workers' queue), {@code ServerWorkers} (the worker threads), {@code ReplySender} (the one way
 *       out);</li>
 *   <li>{@code ServerDispatcher}: decodes a request's body strictly and calls the fid's export;</li>
 *   <li>{@code ExportOps}: the operations an export fills in; {@code DirExport} serves a directory,
 *       confined beneath it with {@code openat2(RESOLVE_BENEATH)}; {@code CtlExport} the synthetic
 *       {@code zero} and {@code null} files diod's {@code diodload} drives;</li>
 *   <li>{@code ServerRequest}, {@code DataBuffer}, {@code Scratch}, {@code ServerFid},
 *       {@code ServerFidTable}, {@code Replies}: request slots, data buffers, per-thread native scratch,
 *       fids and their table, reply encoders.</li>
 * </ul>
 */
package io.jnetfs.p9.server;
