package io.jnetfs.netfs;

/** Why a request was made (the kernel's {@code enum netfs_io_origin}). */
public enum NetfsOrigin {
    /** Readahead into the page cache, sized by the readahead window. */
    NETFS_READAHEAD,
    /** A read of one folio the reader needs now. */
    NETFS_READPAGE,
    /** A read of a partial folio before a buffered write modifies it. */
    NETFS_READ_FOR_WRITE,
    /** A read of the parts of a streaming-write folio that the writes did not cover (netfs_read_gaps). */
    NETFS_READ_GAPS,
    /** A read of a whole small object (a directory) in one buffer. */
    NETFS_READ_SINGLE,
    /** An unbuffered read into the caller's memory, bypassing the page cache. */
    NETFS_UNBUFFERED_READ,
    /** A direct-I/O read into the caller's memory. */
    NETFS_DIO_READ,
    /** Writeback of dirty folios to the server and the cache. */
    NETFS_WRITEBACK,
    /** An unbuffered write from the caller's memory. */
    NETFS_UNBUFFERED_WRITE,
    /** A direct-I/O write from the caller's memory. */
    NETFS_DIO_WRITE;

    /** @return whether the request reads */
    public boolean isRead() {
        return ordinal() <= NETFS_DIO_READ.ordinal();
    }
}
