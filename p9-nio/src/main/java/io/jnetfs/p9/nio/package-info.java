/**
 * The {@code java.nio.file} front door: {@link io.jnetfs.p9.nio.P9FileSystemProvider} serves the
 * {@code p9} URI scheme, so {@code FileSystems.newFileSystem(URI.create("p9://HOST:PORT/"), env)} gives a
 * {@link io.jnetfs.p9.nio.P9FileSystem} over a 9P2000.L export that {@code Files}, channels, streams and
 * every library written against {@code java.nio.file.Path} use as they use a local directory. File data
 * goes through the netfs engine (page cache, readahead, writeback, disk cache); metadata goes straight
 * to the server, one request per call. {@link io.jnetfs.p9.nio.P9FileChannel} adds the zero-copy way in:
 * page-cache folios handed to the caller as {@code MemorySegment}s, writes from native memory without a
 * copy.
 *
 * <p>Inside: {@code P9Path} (Unix path syntax), {@code Walker} (path resolution with the links read on
 * the client, as the kernel's VFS does for v9fs), {@code P9Inode} (one open file shared by every channel
 * of a file system), {@code Namespace} and {@code CopyMove} (the operations on names),
 * {@code AttributeViews}, {@code P9FileStore}, {@code FsErrors} (errno to the standard exceptions).
 */
package io.jnetfs.p9.nio;
