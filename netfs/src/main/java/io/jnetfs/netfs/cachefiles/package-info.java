/**
 * The disk cache, in the manner of the kernel's cachefiles and cachefilesd: one sparse cache file per
 * remote file under a cache directory ({@link io.jnetfs.netfs.cachefiles.CacheFiles}), its data read
 * and written straight from the request's buffers on io_uring (READV/WRITEV SQEs) or with blocking
 * {@code preadv2}/{@code pwritev2}, as {@link io.jnetfs.netfs.cachefiles.CacheIo} chooses
 * ({@link io.jnetfs.netfs.cachefiles.CacheFile}, the engine's {@link io.jnetfs.netfs.NetfsCache}), which
 * ranges it holds found with FIEMAP or SEEK_DATA (the fiemap module), a sidecar with the server's
 * coherency data ({@link io.jnetfs.netfs.cachefiles.Coherency}) that empties a stale cache file on open,
 * and limits (an absolute size, brun/bcull/bstop free-space thresholds) enforced by culling
 * least-recently-used cache files in the background.
 */
package io.jnetfs.netfs.cachefiles;
