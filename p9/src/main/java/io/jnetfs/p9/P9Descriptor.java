package io.jnetfs.p9;

/**
 * The wire layout of 9P messages: every message starts with the same 7-byte header, integers are
 * little-endian, strings are {@code len[2]} followed by that many UTF-8 bytes, and a qid is 13 bytes.
 *
 * <pre>
 *   offset  0        4       5        7
 *           +--------+-------+--------+------------------------------+
 *           | size[4]| type[1]| tag[2]| body (size - 7 bytes)        |
 *           +--------+-------+--------+------------------------------+
 *   size counts the whole message, header included.
 *
 *   Twrite:  size[4] type[1] tag[2] fid[4] offset[8] count[4] | data[count]     (23-byte header)
 *   Rread:   size[4] type[1] tag[2] count[4] | data[count]                       (11-byte header)
 *   qid:     type[1] version[4] path[8]                                          (13 bytes)
 * </pre>
 *
 * A message's data may be sent and received apart from its header: the header from a small native
 * buffer, the data straight from or into a bvecq chain.
 */
public final class P9Descriptor {
    /** Offset of {@code size[4]}. */
    public static final int SIZE_OFFSET = 0;
    /** Offset of {@code type[1]}. */
    public static final int TYPE_OFFSET = 4;
    /** Offset of {@code tag[2]}. */
    public static final int TAG_OFFSET = 5;
    /** Size of the common header {@code size[4] type[1] tag[2]}. */
    public static final int HEADER_SIZE = 7;
    /** Size of a qid: {@code type[1] version[4] path[8]}. */
    public static final int QID_SIZE = 13;
    /** Header of a Twrite up to its data: {@code size type tag fid[4] offset[8] count[4]}. */
    public static final int TWRITE_HEADER_SIZE = HEADER_SIZE + 4 + 8 + 4;
    /** Header of an Rread up to its data: {@code size type tag count[4]}. */
    public static final int RREAD_HEADER_SIZE = HEADER_SIZE + 4;
    /** Header of an Rreaddir up to its entries: {@code size type tag count[4]}. */
    public static final int RREADDIR_HEADER_SIZE = HEADER_SIZE + 4;
    /**
     * {@code P9_IOHDRSZ}: what a Tread/Twrite costs beyond its data. The data per message is at most
     * {@code msize - P9_IOHDRSZ}.
     */
    public static final int P9_IOHDRSZ = 24;
    /** {@code P9_READDIRHDRSZ}: the Treaddir count is at most {@code msize - P9_READDIRHDRSZ}. */
    public static final int P9_READDIRHDRSZ = 24;
    /** {@code P9_NOTAG}: the tag of Tversion. */
    public static final int NOTAG = 0xFFFF;
    /** {@code P9_NOFID}: "no fid", e.g. the afid of an attach without authentication. */
    public static final int NOFID = 0xFFFFFFFF;
    /** {@code P9_NONUNAME}: "no numeric user", the n_uname that makes the server use uname. */
    public static final int NONUNAME = 0xFFFFFFFF;
    /** {@code P9_MAXWELEM}: the most names one Twalk carries. */
    public static final int MAXWELEM = 16;
    /** The longest string 9P can carry ({@code len[2]}). */
    public static final int MAX_STRING = 0xFFFF;
    /** The protocol version this client speaks. */
    public static final String VERSION_9P2000_L = "9P2000.L";

    /** Size of an Rgetattr body: valid, qid, mode, uid, gid, then fifteen 8-byte fields. */
    public static final int RGETATTR_BODY = 8 + QID_SIZE + 4 + 4 + 4 + 15 * 8;
    /** Size of an Rstatfs body. */
    public static final int RSTATFS_BODY = 4 + 4 + 6 * 8 + 4;
    /** Size of an Rlopen/Rlcreate body: qid and iounit. */
    public static final int RLOPEN_BODY = QID_SIZE + 4;
    /** Smallest dirent in an Rreaddir: qid, offset, type and an empty name. */
    public static final int MIN_DIRENT = QID_SIZE + 8 + 1 + 2;

    private P9Descriptor() {
    }
}
