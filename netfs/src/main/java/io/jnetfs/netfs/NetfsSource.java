package io.jnetfs.netfs;

/** Where a subrequest's data comes from or goes to (the kernel's {@code enum netfs_io_source}). */
public enum NetfsSource {
    /** Read from the server. */
    NETFS_DOWNLOAD_FROM_SERVER,
    /** Read from the local disk cache. */
    NETFS_READ_FROM_CACHE,
    /** Past the zero point: the data is zeroes and nothing is read. */
    NETFS_FILL_WITH_ZEROES,
    /** Write to the server. */
    NETFS_UPLOAD_TO_SERVER,
    /** Write to the local disk cache. */
    NETFS_WRITE_TO_CACHE,
    /** Not yet decided, or a read that must not be issued. */
    NETFS_INVALID_READ
}
