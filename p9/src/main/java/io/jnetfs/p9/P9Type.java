package io.jnetfs.p9;

/**
 * 9P2000.L message types, by their spec names ({@code Tversion = 100}, {@code Rlerror = 7}, ...), as
 * in the Linux kernel's {@code enum p9_msg_t} ({@code include/net/9p/9p.h}). A reply's type is its
 * request's type plus one; {@link #Rlerror} answers any request that failed.
 *
 * <p>The constants deliberately keep the spec's mixed case so a reader searching for {@code Twalk}
 * finds them.
 */
public final class P9Type {
    /** Not sent by clients; its reply {@link #Rlerror} carries a Linux errno. */
    public static final int Tlerror = 6;
    /** {@code ecode[4]}: the request failed with this Linux errno. */
    public static final int Rlerror = 7;
    /** {@code fid[4]}. */
    public static final int Tstatfs = 8;
    /** {@code type[4] bsize[4] blocks[8] bfree[8] bavail[8] files[8] ffree[8] fsid[8] namelen[4]}. */
    public static final int Rstatfs = 9;
    /** {@code fid[4] flags[4]}. */
    public static final int Tlopen = 12;
    /** {@code qid[13] iounit[4]}. */
    public static final int Rlopen = 13;
    /** {@code fid[4] name[s] flags[4] mode[4] gid[4]}. */
    public static final int Tlcreate = 14;
    /** {@code qid[13] iounit[4]}. */
    public static final int Rlcreate = 15;
    /** {@code fid[4] name[s] symtgt[s] gid[4]}. */
    public static final int Tsymlink = 16;
    /** {@code qid[13]}. */
    public static final int Rsymlink = 17;
    /** {@code dfid[4] name[s] mode[4] major[4] minor[4] gid[4]} (not used by this client). */
    public static final int Tmknod = 18;
    /** {@code qid[13]}. */
    public static final int Rmknod = 19;
    /** {@code fid[4] dfid[4] name[s]} (superseded by {@link #Trenameat}). */
    public static final int Trename = 20;
    /** Empty. */
    public static final int Rrename = 21;
    /** {@code fid[4]}. */
    public static final int Treadlink = 22;
    /** {@code target[s]}. */
    public static final int Rreadlink = 23;
    /** {@code fid[4] request_mask[8]}. */
    public static final int Tgetattr = 24;
    /** {@code valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8] size[8] blksize[8] blocks[8]} and times. */
    public static final int Rgetattr = 25;
    /** {@code fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8] atime_nsec[8] mtime_sec[8] mtime_nsec[8]}. */
    public static final int Tsetattr = 26;
    /** Empty. */
    public static final int Rsetattr = 27;
    /** Not used by this client. */
    public static final int Txattrwalk = 30;
    /** Not used by this client. */
    public static final int Rxattrwalk = 31;
    /** Not used by this client. */
    public static final int Txattrcreate = 32;
    /** Not used by this client. */
    public static final int Rxattrcreate = 33;
    /** {@code fid[4] offset[8] count[4]}. */
    public static final int Treaddir = 40;
    /** {@code count[4] data[count]}: entries {@code qid[13] offset[8] type[1] name[s]}. */
    public static final int Rreaddir = 41;
    /** {@code fid[4] datasync[4]}. */
    public static final int Tfsync = 50;
    /** Empty. */
    public static final int Rfsync = 51;
    /** Not used by this client. */
    public static final int Tlock = 52;
    /** Not used by this client. */
    public static final int Rlock = 53;
    /** Not used by this client. */
    public static final int Tgetlock = 54;
    /** Not used by this client. */
    public static final int Rgetlock = 55;
    /** {@code dfid[4] fid[4] name[s]}. */
    public static final int Tlink = 70;
    /** Empty. */
    public static final int Rlink = 71;
    /** {@code dfid[4] name[s] mode[4] gid[4]}. */
    public static final int Tmkdir = 72;
    /** {@code qid[13]}. */
    public static final int Rmkdir = 73;
    /** {@code olddirfid[4] oldname[s] newdirfid[4] newname[s]}. */
    public static final int Trenameat = 74;
    /** Empty. */
    public static final int Rrenameat = 75;
    /** {@code dirfd[4] name[s] flags[4]}. */
    public static final int Tunlinkat = 76;
    /** Empty. */
    public static final int Runlinkat = 77;
    /** {@code msize[4] version[s]}, sent with {@link P9Descriptor#NOTAG}. */
    public static final int Tversion = 100;
    /** {@code msize[4] version[s]}. */
    public static final int Rversion = 101;
    /** {@code afid[4] uname[s] aname[s] n_uname[4]} (not used: diod runs with -n). */
    public static final int Tauth = 102;
    /** {@code aqid[13]}. */
    public static final int Rauth = 103;
    /** {@code fid[4] afid[4] uname[s] aname[s] n_uname[4]}. */
    public static final int Tattach = 104;
    /** {@code qid[13]}. */
    public static final int Rattach = 105;
    /** Illegal in 9P2000.L. */
    public static final int Terror = 106;
    /**
     * Not sent by 9P2000.L servers ({@link #Rlerror} replaces it), except NFS-Ganesha, which sends it with an
     * Rlerror's body (a 4-byte errno): the client reads that as Rlerror ({@link P9Options#acceptsRerror()}).
     */
    public static final int Rerror = 107;
    /** {@code oldtag[2]}. */
    public static final int Tflush = 108;
    /** Empty. */
    public static final int Rflush = 109;
    /** {@code fid[4] newfid[4] nwname[2] nwname*(wname[s])}. */
    public static final int Twalk = 110;
    /** {@code nwqid[2] nwqid*(qid[13])}. */
    public static final int Rwalk = 111;
    /** 9P2000 only. */
    public static final int Topen = 112;
    /** 9P2000 only. */
    public static final int Ropen = 113;
    /** 9P2000 only. */
    public static final int Tcreate = 114;
    /** 9P2000 only. */
    public static final int Rcreate = 115;
    /** {@code fid[4] offset[8] count[4]}. */
    public static final int Tread = 116;
    /** {@code count[4] data[count]}. */
    public static final int Rread = 117;
    /** {@code fid[4] offset[8] count[4] data[count]}. */
    public static final int Twrite = 118;
    /** {@code count[4]}. */
    public static final int Rwrite = 119;
    /** {@code fid[4]}. */
    public static final int Tclunk = 120;
    /** Empty. */
    public static final int Rclunk = 121;
    /** {@code fid[4]}. */
    public static final int Tremove = 122;
    /** Empty. */
    public static final int Rremove = 123;

    private static final String[] NAMES = new String[128];

    static {
        String[] n = {
            "Tlerror", "Rlerror", "Tstatfs", "Rstatfs", null, null, "Tlopen", "Rlopen", "Tlcreate", "Rlcreate",
            "Tsymlink", "Rsymlink", "Tmknod", "Rmknod", "Trename", "Rrename", "Treadlink", "Rreadlink",
            "Tgetattr", "Rgetattr", "Tsetattr", "Rsetattr", null, null, "Txattrwalk", "Rxattrwalk",
            "Txattrcreate", "Rxattrcreate"};
        for (int i = 0; i < n.length; i++) {
            NAMES[6 + i] = n[i];
        }
        NAMES[Treaddir] = "Treaddir";
        NAMES[Rreaddir] = "Rreaddir";
        NAMES[Tfsync] = "Tfsync";
        NAMES[Rfsync] = "Rfsync";
        NAMES[Tlock] = "Tlock";
        NAMES[Rlock] = "Rlock";
        NAMES[Tgetlock] = "Tgetlock";
        NAMES[Rgetlock] = "Rgetlock";
        NAMES[Tlink] = "Tlink";
        NAMES[Rlink] = "Rlink";
        NAMES[Tmkdir] = "Tmkdir";
        NAMES[Rmkdir] = "Rmkdir";
        NAMES[Trenameat] = "Trenameat";
        NAMES[Rrenameat] = "Rrenameat";
        NAMES[Tunlinkat] = "Tunlinkat";
        NAMES[Runlinkat] = "Runlinkat";
        String[] v = {
            "Tversion", "Rversion", "Tauth", "Rauth", "Tattach", "Rattach", "Terror", "Rerror", "Tflush",
            "Rflush", "Twalk", "Rwalk", "Topen", "Ropen", "Tcreate", "Rcreate", "Tread", "Rread", "Twrite",
            "Rwrite", "Tclunk", "Rclunk", "Tremove", "Rremove"};
        for (int i = 0; i < v.length; i++) {
            NAMES[Tversion + i] = v[i];
        }
    }

    private P9Type() {
    }

    /**
     * The spec name of a message type.
     *
     * @param type a type byte (0 .. 255)
     * @return such as {@code "Twalk"}, or {@code "type=N"} for a number 9P2000.L does not define
     */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length && NAMES[type] != null ? NAMES[type] : "type=" + type;
    }

    /**
     * Whether this client understands a reply type: the replies to the requests it sends, and
     * {@link #Rlerror}.
     *
     * @param type a type byte
     * @return true for the R-messages this client decodes
     */
    public static boolean isKnownReply(int type) {
        return switch (type) {
            case Rlerror, Rstatfs, Rlopen, Rlcreate, Rsymlink, Rrename, Rreadlink, Rgetattr, Rsetattr, Rreaddir, Rfsync,
                 Rlink, Rmkdir, Rrenameat, Runlinkat, Rversion, Rattach, Rflush, Rwalk, Rread, Rwrite, Rclunk,
                 Rremove -> true;
            default -> false;
        };
    }
}
