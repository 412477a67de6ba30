/**
 * The netfs request engine, modelled on the Linux kernel's {@code fs/netfs} with the bvecq rework: one
 * class per phase, as the kernel has one file per phase.
 *
 * <ul>
 *   <li>types: {@link io.jnetfs.netfs.NetfsInode} (per-file context), {@link io.jnetfs.netfs.NetfsIoRequest},
 *       {@link io.jnetfs.netfs.NetfsIoSubrequest}, {@link io.jnetfs.netfs.NetfsSource},
 *       {@link io.jnetfs.netfs.NetfsOrigin}, {@link io.jnetfs.netfs.NetfsSreqFlags};</li>
 *   <li>the ops tables a filesystem and a cache fill in: {@link io.jnetfs.netfs.NetfsRequestOps},
 *       {@link io.jnetfs.netfs.NetfsCache};</li>
 *   <li>read phases: {@code BufferedRead} (readahead and dispatch), {@code ReadCollect},
 *       {@code ReadRetry}, {@code DirectRead}, {@code ReadSingle};</li>
 *   <li>the page cache: {@link io.jnetfs.netfs.FolioCache}, {@link io.jnetfs.netfs.FolioMapping},
 *       {@link io.jnetfs.netfs.CachedFolio};</li>
 *   <li>the public edge: {@link io.jnetfs.netfs.Netfs} and {@link io.jnetfs.netfs.NetfsFile}, with
 *       {@link io.jnetfs.netfs.NetfsStats} counters and JFR events {@code io.jnetfs.netfs.Request} and
 *       {@code io.jnetfs.netfs.Subrequest}.</li>
 * </ul>
 */
package io.jnetfs.netfs;
