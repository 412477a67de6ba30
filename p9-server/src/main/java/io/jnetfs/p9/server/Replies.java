package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;
import static io.jnetfs.p9.P9Descriptor.QID_SIZE;

import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Type;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encoders of the R-messages several operations share, written at offset 0 of a request's buffer
 * (over the T-message, whose fields have all been decoded by then). Each returns the reply's size.
 */
final class Replies {
    private Replies() {
    }

    /** {@code Rlerror ecode[4]}. */
    static int rlerror(ServerRequest r, int errno) {
        int size = HEADER_SIZE + 4;
        r.header(size, P9Type.Rlerror);
        r.put32(HEADER_SIZE, errno);
        return size;
    }

    /** A reply without a body (Rclunk, Rremove, Rsetattr, Rfsync, Rlink, Rrenameat, Runlinkat, Rrename). */
    static int empty(ServerRequest r, int replyType) {
        r.header(HEADER_SIZE, replyType);
        return HEADER_SIZE;
    }

    /** {@code qid[13]}: Rattach, Rmkdir, Rsymlink. */
    static int qid(ServerRequest r, int replyType, int qidType, int version, long path) {
        int size = HEADER_SIZE + QID_SIZE;
        r.header(size, replyType);
        r.putQid(HEADER_SIZE, qidType, version, path);
        return size;
    }

    /** {@code qid[13] iounit[4]}: Rlopen, Rlcreate. */
    static int lopen(ServerRequest r, int replyType, int qidType, int version, long path, int iounit) {
        int size = HEADER_SIZE + P9Descriptor.RLOPEN_BODY;
        r.header(size, replyType);
        r.putQid(HEADER_SIZE, qidType, version, path);
        r.put32(HEADER_SIZE + QID_SIZE, iounit);
        return size;
    }

    /** {@code Rwrite count[4]}. */
    static int rwrite(ServerRequest r, int count) {
        int size = HEADER_SIZE + 4;
        r.header(size, P9Type.Rwrite);
        r.put32(HEADER_SIZE, count);
        return size;
    }

    /**
     * {@code Rgetattr} from a {@code struct stat}: valid = {@code P9_GETATTR_ALL} with birth time,
     * generation and data version zero (what diod sends).
     */
    static int getattr(ServerRequest r, MemorySegment st, int qidType, int version, long path) {
        return getattr(r, P9Flags.P9_GETATTR_ALL, qidType, version, path, st.get(ValueLayout.JAVA_INT, Scratch.ST_MODE),
                st.get(ValueLayout.JAVA_INT, Scratch.ST_UID), st.get(ValueLayout.JAVA_INT, Scratch.ST_GID),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_NLINK), st.get(ValueLayout.JAVA_LONG, Scratch.ST_RDEV),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_SIZE), st.get(ValueLayout.JAVA_LONG, Scratch.ST_BLKSIZE),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_BLOCKS),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_ATIM + Scratch.TV_SEC),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_ATIM + Scratch.TV_NSEC),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_MTIM + Scratch.TV_SEC),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_MTIM + Scratch.TV_NSEC),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_CTIM + Scratch.TV_SEC),
                st.get(ValueLayout.JAVA_LONG, Scratch.ST_CTIM + Scratch.TV_NSEC));
    }

    /**
     * {@code Rgetattr valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8] size[8] blksize[8] blocks[8]
     * atime_sec[8] atime_nsec[8] mtime_sec[8] mtime_nsec[8] ctime_sec[8] ctime_nsec[8] btime_sec[8]
     * btime_nsec[8] gen[8] data_version[8]}.
     */
    static int getattr(ServerRequest r, long valid, int qidType, int version, long path, int mode, int uid, int gid, long nlink,
                       long rdev, long size, long blksize, long blocks, long atimeSec, long atimeNsec, long mtimeSec,
                       long mtimeNsec, long ctimeSec, long ctimeNsec) {
        int total = HEADER_SIZE + P9Descriptor.RGETATTR_BODY;
        r.header(total, P9Type.Rgetattr);
        long p = HEADER_SIZE;
        r.put64(p, valid);
        r.putQid(p + 8, qidType, version, path);
        p += 8 + QID_SIZE;
        r.put32(p, mode);
        r.put32(p + 4, uid);
        r.put32(p + 8, gid);
        p += 12;
        r.put64(p, nlink);
        r.put64(p + 8, rdev);
        r.put64(p + 16, size);
        r.put64(p + 24, blksize);
        r.put64(p + 32, blocks);
        r.put64(p + 40, atimeSec);
        r.put64(p + 48, atimeNsec);
        r.put64(p + 56, mtimeSec);
        r.put64(p + 64, mtimeNsec);
        r.put64(p + 72, ctimeSec);
        r.put64(p + 80, ctimeNsec);
        r.put64(p + 88, 0); // btime_sec
        r.put64(p + 96, 0); // btime_nsec
        r.put64(p + 104, 0); // gen
        r.put64(p + 112, 0); // data_version
        return total;
    }
}
