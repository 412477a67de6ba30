package io.jnetfs.mount;

import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Flags;

/**
 * One FUSE inode: a {@code nodeid} the kernel holds, the walked (not opened) 9P fid of the file, and the
 * kernel's lookup count. The fid lives exactly as long as the count: every entry reply adds one, FORGET
 * takes them away, and the last clunks it ({@link NodeTable#forget}).
 *
 * <p>Found by the server's identity of the file ({@code qid.path}) so that two names of one file (hard
 * links) are one inode with one page cache; a node whose name was removed on this mount is
 * {@linkplain #detached detached} from that index, so a new file that gets the same inode number on the
 * server (ext4 reuses them at once) becomes a node of its own.
 */
final class Node {
    /** The kernel's identity of the inode ({@code FUSE_ROOT_ID} = 1 for the root). */
    final long nodeid;
    /** The server's identity of the file. */
    final long qidPath;
    /** {@code QTDIR}, {@code QTSYMLINK} or {@code QTFILE} bits of the qid. */
    final int qidType;
    /** The walked fid: getattr, setattr, walks from it, readlink, statfs. */
    private volatile Fid fid;
    /** The kernel's lookup count; guarded by the {@link NodeTable}. */
    long lookups;
    /** Removed from the qid index (its name was unlinked or overwritten here); guarded by the table. */
    boolean detached;
    /** The last (parent nodeid, name) it was found under, to forget the name with the node. */
    NodeTable.Dentry dentry;
    /**
     * The open file shared by the node's handles, or {@code null}; changed under {@code this}, read without
     * it where a stale answer is harmless (the size a getattr reports).
     */
    volatile OpenInode open;
    private RetiredFid retired;
    /** The file's mtime and size hashed, as last opened or written back here; 0 for none. */
    volatile long stamp;

    Node(long nodeid, Fid fid) {
        this.nodeid = nodeid;
        this.fid = fid;
        this.qidPath = fid.qid() == null ? 0 : fid.qid().path();
        this.qidType = fid.qid() == null ? 0 : fid.qid().type();
    }

    /** {@return the walked fid} */
    Fid fid() {
        return fid;
    }

    /**
     * Puts a fresh fid of the same file in place (after a rename: a server that keeps paths in its fids,
     * as diod does, would answer the old one for the old name). The old fid may still be in use by
     * another request, so it is kept until the node is forgotten.
     *
     * @param fresh a walked fid of the node's file
     */
    synchronized void replaceFid(Fid fresh) {
        retired = new RetiredFid(fid, retired);
        fid = fresh;
    }

    /** {@return the fids replaced so far, newest first, or {@code null}} */
    synchronized RetiredFid retired() {
        return retired;
    }

    /** A fid that was replaced, in a list. */
    record RetiredFid(Fid fid, RetiredFid next) {
    }

    /** {@return whether the file is a directory} */
    boolean isDirectory() {
        return (qidType & P9Flags.P9_QTDIR) != 0;
    }

    @Override
    public String toString() {
        return "Node[" + nodeid + ", qid.path=" + qidPath + ", lookups=" + lookups + ", " + fid + "]";
    }
}
