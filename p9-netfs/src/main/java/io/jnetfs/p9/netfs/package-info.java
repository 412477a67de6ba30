/**
 * 9P2000.L under the netfs engine: {@link io.jnetfs.p9.netfs.P9NetfsOps} fills in the engine's request
 * ops with Tread/Twrite, {@link io.jnetfs.p9.netfs.P9Netfs} opens files of an export through the engine
 * and the disk cache, {@link io.jnetfs.p9.netfs.P9File} is such an open file.
 */
package io.jnetfs.p9.netfs;
