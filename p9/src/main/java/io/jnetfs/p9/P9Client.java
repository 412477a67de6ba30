package io.jnetfs.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A 9P2000.L client: the public edge. Connects over our own FFM sockets (or io_uring), negotiates msize,
 * attaches, and offers the file operations a network filesystem needs on {@link Fid}s.
 *
 * <p>Blocking operations throw a {@link P9Exception} naming the request, its key arguments and the
 * errno ({@code Twalk(fid=3, names=[a, b]) failed: ENOENT (No such file or directory)}); asynchronous
 * reads and writes ({@link #readAsync}, {@link #writeAsync}) report {@code -errno} to a primitive
 * {@link P9Callback} and allocate nothing: they are what a netfs engine drives.
 *
 * <p>A lost connection is recovered ({@link P9Options#reconnect()}, on by default; {@code Reconnect}
 * says how): the client connects again with back-off for up to the timeout, attaches, walks every live
 * fid again by its path and reopens the open ones, then sends again every request that had no reply;
 * blocking calls wait meanwhile and return as if nothing had happened. A directory operation whose
 * reply was lost is settled from what the server shows (a Tmkdir sent again that finds the directory
 * there succeeds). A fid whose file was removed or replaced meanwhile fails with {@code ESTALE}. When
 * the server is not back within the timeout the requests fail with the connection's error, as they do
 * at once with {@code reconnect(false)}, where a lost connection stays failed. The transport counters
 * ({@link #sendmsgCalls()}, {@link #messagesSent()}, ...) are the connection in use's: a recovery
 * starts them again; {@link #reconnects()} and {@link #requestsResent()} count the recoveries.
 *
 * <p>The data of one Tread/Twrite is at most {@link #ioSize(Fid)} = {@code min(msize - 24, iounit if
 * nonzero)}. Every Twrite leaves in ONE {@code sendmsg} of [23-byte header, data iovecs of the chain];
 * requests issued between {@link #plug()} and {@link #unplug()} (or by several threads at once) leave
 * together, glued into one {@code sendmsg} where IOV_MAX allows.
 *
 * <p>Thread-safe: any number of threads may issue requests at once.
 */
public final class P9Client implements AutoCloseable {
    private static final int PAGE_SIZE = 4096;

    /** Pool size of a client that makes its own pool. */
    private static final long OWN_POOL_BYTES = 64L << 20;

    private final P9Options options;
    /** The session in use: replaced (after every live fid was walked again) when a lost connection is recovered. */
    private volatile P9Session session;
    /** Fid numbers, shared by the successive sessions. */
    private final FidTable fidNumbers;
    /** The live fids by number: what a recovery walks again. */
    private final ConcurrentHashMap<Integer, Fid> fids = new ConcurrentHashMap<>();
    private final Fid root;
    /** The msize of the first connection: a recovered one must grant the same. */
    private final int msize;
    /** The client's own pool when the options named none; shared by its successive connections. */
    private final FolioPool ownPool;
    /** {@code null} with {@code reconnect(false)}. */
    private final Reconnect reconnect;
    /** {@code null} with {@code reconnect(false)}. */
    private final Resend resend;
    private volatile boolean closed;

    private P9Client(P9Options options, P9Session session, FidTable fidNumbers, int rootFid, Qid rootQid,
                     FolioPool ownPool) {
        this.options = options;
        this.session = session;
        this.fidNumbers = fidNumbers;
        this.msize = session.connection().msize();
        this.ownPool = ownPool;
        this.root = new Fid(this, rootFid, rootQid, new String[0]);
        root.gen = session.gen();
        fids.put(rootFid, root);
        this.reconnect = options.reconnect() ? new Reconnect(this) : null;
        this.resend = options.reconnect() ? new Resend(this, options.maxTags()) : null;
    }

    // ---- connecting -----------------------------------------------------------------------------------

    /**
     * Connects with default options and attaches {@code aname} as {@code uname}.
     *
     * @param host an IPv4 address
     * @param port the server's port
     * @param aname the export (diod: the exported directory)
     * @param uname the user name
     * @return a connected client, which the caller closes
     * @throws IOException if the server cannot be reached or refuses the version or attach
     */
    public static P9Client connect(String host, int port, String aname, String uname) throws IOException {
        return connect(P9Options.builder(host, port).aname(aname).uname(uname).build());
    }

    /**
     * Connects: TCP (with {@code TCP_NODELAY}), Tversion (msize negotiation, "9P2000.L"), Tattach.
     *
     * @param o the options
     * @return a connected client, which the caller closes
     * @throws IOException if the server cannot be reached ({@link java.net.ConnectException}), or
     *     refuses the version or the attach ({@link P9Exception})
     */
    public static P9Client connect(P9Options o) throws IOException {
        // one pool for every connection the client makes: data the caller holds outlives a lost connection
        FolioPool own = o.pool() == null ? new FolioPool(OWN_POOL_BYTES) : null;
        P9Options eff = own != null ? o.withPool(own) : o;
        P9Connection conn;
        try {
            conn = P9Connection.open(eff);
        } catch (IOException | RuntimeException e) {
            if (own != null) {
                own.close();
            }
            throw e;
        }
        FidTable fidNumbers = new FidTable();
        P9Session s = new P9Session(conn, fidNumbers, 0);
        int rootFid = s.allocateFid();
        P9Reply rep = new P9Reply();
        int r = s.attach(rootFid, o.uname(), o.aname(), o.nUname(), rep);
        if (r < 0) {
            P9Exception e = error(conn, attachCall(o, rootFid), r);
            conn.close();
            if (own != null) {
                own.close();
            }
            throw e;
        }
        return new P9Client(eff, s, fidNumbers, rootFid, rep.qid, own);
    }

    static String attachCall(P9Options o, int rootFid) {
        return "Tattach(fid=" + rootFid + ", uname=" + o.uname() + ", aname=" + o.aname() + ", n_uname="
                + Integer.toUnsignedString(o.nUname()) + ")";
    }

    // ---- accessors ------------------------------------------------------------------------------------

    /** {@return the fid of the attached root; owned by the client, closed with it} */
    public Fid root() {
        return root;
    }

    /** {@return the options the client was made with} */
    public P9Options options() {
        return options;
    }

    /** {@return the msize the server granted} */
    public int msize() {
        return msize;
    }

    /** {@return {@code msize - P9_IOHDRSZ}: the most data one Tread/Twrite carries} */
    public int maxIoSize() {
        return session.maxData();
    }

    /**
     * The data size of one Tread/Twrite on a fid: {@code min(msize - 24, iounit if nonzero)}.
     *
     * @param fid a fid of this client
     * @return bytes
     */
    public int ioSize(Fid fid) {
        int iounit = fid.iounit();
        return iounit > 0 ? Math.min(session.maxData(), iounit) : session.maxData();
    }

    /**
     * The data size of each Tread/Twrite when a transfer takes several: {@link #ioSize(Fid)} rounded down
     * to whole pages (msize 65536: 61440 bytes, not 65512), so that a transfer that starts on a page
     * boundary keeps every message on one. The server then reads and writes whole pages of its page
     * cache, and both kernels copy between aligned buffers: against diod, about 10% less server CPU per
     * GiB and 10-15% more throughput for 6.6% more messages; against this project's server at msize
     * 1 MiB, reads went from 2.9 to 5.2 GB/s (BENCHMARKS.md).
     *
     * @param fid a fid of this client
     * @return bytes: {@code ioSize(fid)}, rounded down to a multiple of 4096 when that is at least two pages
     */
    public int transferSize(Fid fid) {
        int io = ioSize(fid);
        return io >= 2 * PAGE_SIZE ? io & -PAGE_SIZE : io;
    }

    /** {@return the number of live fids, the root included} */
    public int liveFids() {
        return session.liveFids();
    }

    /** {@return the receive mode in use} */
    public ReceiveMode receiveMode() {
        return conn().mode();
    }

    /** {@return the transport in use} */
    public TransportKind transportKind() {
        return options.transport();
    }

    /** {@return {@code sendmsg} calls made (system calls or SENDMSG SQEs)} */
    public long sendmsgCalls() {
        return conn().transport().sendmsgCalls();
    }

    /** {@return {@code recvmsg} calls made} */
    public long recvmsgCalls() {
        return conn().transport().recvmsgCalls();
    }

    /** {@return T-messages wholly sent} */
    public long messagesSent() {
        return conn().messagesSent();
    }

    /**
     * {@return how many times the receiving thread left requests the socket would not take at once to
     * the sender thread} (the receiving thread never waits in sendmsg: a server waiting for its replies
     * to be read may have stopped reading)
     */
    public long sendsHandedOff() {
        return conn().sendsHandedOff();
    }

    /** {@return Twrites wholly sent} */
    public long twritesSent() {
        return conn().twritesSent();
    }

    /** {@return R-messages received} */
    public long repliesReceived() {
        return conn().repliesReceived();
    }

    /** {@return bytes the receiving side copied in user space (BULK copies and chunk carry-overs)} */
    public long bytesCopied() {
        return conn().bytesCopied();
    }

    /**
     * {@return Rerror (type 107) replies read as an errno: how often the server spoke NFS-Ganesha's dialect
     * instead of Rlerror (see {@link P9Options#acceptsRerror()})}
     */
    public long rerrorsReceived() {
        return conn().rerrorsReceived();
    }

    /** {@return tags in use now (requests being built, in flight, or flushed and awaiting Rflush)} */
    public int tagsInUse() {
        return conn().tagsInUse();
    }

    /** {@return why the connection failed, or {@code null} while it works} */
    public String failure() {
        return conn().failReason();
    }

    /** {@return the connection in use, for tests in this package} */
    P9Connection connection() {
        return conn();
    }

    private P9Connection conn() {
        return session.connection();
    }

    /** {@return how many times a lost connection was recovered} */
    public long reconnects() {
        return reconnect == null ? 0 : reconnect.recovered();
    }

    /** {@return requests sent again on a recovered connection, blocking and asynchronous} */
    public long requestsResent() {
        return (reconnect == null ? 0 : reconnect.retried()) + (resend == null ? 0 : resend.resent());
    }

    /** {@return fids recoveries found stale (their file removed or replaced meanwhile)} */
    public long staleFids() {
        return reconnect == null ? 0 : reconnect.staleFids();
    }

    // ---- recovery (see Reconnect) ----------------------------------------------------------------------

    P9Session session() {
        return session;
    }

    /** Publishes a recovered session; by the recovery, once every live fid was walked again on it. */
    void publish(P9Session s) {
        session = s;
    }

    FidTable fidNumbers() {
        return fidNumbers;
    }

    Iterable<Fid> liveFidObjects() {
        return fids.values();
    }

    boolean isClosed() {
        return closed;
    }

    Resend resender() {
        return resend;
    }

    Reconnect reconnector() {
        return reconnect;
    }

    /**
     * Whether a result is a request lost with its connection (it failed, or was never sent, because the
     * connection failed), so that it may be sent again on a recovered one.
     */
    boolean lost(P9Session s, long result) {
        if (result >= 0 || reconnect == null || closed) {
            return false;
        }
        int fe = s.connection().failErrno();
        if (fe == 0) {
            return false;
        }
        // what in-flight requests complete with when their connection fails: its errno, or the one a send
        // or a ring saw first (io_uring's SENDMSG reports EPIPE while the receiver saw ECONNRESET)
        int e = (int) -result;
        return e == fe || e == Errno.EIO || e == Errno.ECONNRESET || e == Errno.EPIPE || e == Errno.ECONNABORTED
                || e == Errno.ENOTCONN || e == Errno.EPROTO || e == Errno.ETIMEDOUT || e == Errno.ECANCELED;
    }

    /** One blocking call on a session: a result or {@code -errno}. */
    @FunctionalInterface
    private interface Call {
        long on(P9Session s);
    }

    /**
     * Runs a blocking call; while its connection was lost, again on the recovered one (the kernel's
     * hard NFS mount). Fails with {@code -ESTALE} once a fid it names went stale.
     *
     * @param a a fid the call names, or {@code null}
     * @param b another, or {@code null}
     * @param wasLost if not {@code null}, {@code wasLost[0]} is set when an attempt was lost: the call's
     *     effect may already be on the server, for the caller to settle
     */
    private long retrying(Fid a, Fid b, boolean[] wasLost, Call c) {
        P9Session s = session;
        while (true) {
            if ((a != null && a.isStale()) || (b != null && b.isStale())) {
                return -Errno.ESTALE;
            }
            long r = c.on(s);
            if (!lost(s, r)) {
                return r;
            }
            P9Session next = reconnect.await(s);
            if (next == null) {
                return r;
            }
            reconnect.countRetry();
            if (wasLost != null) {
                wasLost[0] = true;
            }
            s = next;
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    // ---- errors ---------------------------------------------------------------------------------------

    private static P9Exception error(P9Connection conn, String call, long result) {
        int errno = (int) -result;
        String detail = null;
        if (conn.failErrno() != 0 && errno == conn.failErrno()) {
            detail = conn.failReason();
        } else if (errno == Errno.ETIMEDOUT) {
            detail = "no reply within " + TimeUnit.NANOSECONDS.toMillis(conn.timeoutNanos()) + " ms from "
                    + conn.peer() + "; the request was flushed (Tflush)";
        }
        return new P9Exception(call, errno, detail);
    }

    private P9Exception error(String call, long result) {
        if (result == -Errno.ESTALE) {
            return new P9Exception(call, Errno.ESTALE, "the file was removed or replaced on the server while the "
                    + "connection was lost");
        }
        P9Exception e = error(conn(), call, result);
        String gaveUp = reconnect != null ? reconnect.lastGiveUp() : null;
        if (gaveUp != null && conn().failErrno() != 0) {
            return new P9Exception(call, e.errno(), conn().failReason() + "; " + gaveUp);
        }
        return e;
    }

    private int live(Fid f) {
        if (f.client() != this) {
            throw new IllegalArgumentException("fid " + f.number() + " belongs to another client");
        }
        return f.live();
    }

    private int newFid() throws IOException {
        int n = fidNumbers.allocate();
        if (n < 0) {
            throw error("allocate fid", n);
        }
        return n;
    }

    // ---- fids -----------------------------------------------------------------------------------------

    /**
     * Twalk from {@code from} along {@code names} (any number: walked {@value P9Descriptor#MAXWELEM} at a
     * time) to a new fid; no names clones {@code from}.
     *
     * @param from the fid to walk from
     * @param names the names to walk, in order
     * @return the new fid, which the caller closes
     * @throws P9Exception naming the walk, e.g. {@code ENOENT} for a missing name, {@code ENOTDIR}
     */
    public Fid walk(Fid from, String... names) throws IOException {
        live(from);
        int newfid = newFid();
        Fid made = new Fid(this, newfid, null, concat(from.names(), names));
        fids.put(newfid, made); // before the walk: a recovery meanwhile knows it is not made yet (gen -1)
        P9Reply rep = new P9Reply();
        String[] failed = new String[1];
        long r = retrying(from, null, null, s -> {
            synchronized (made) { // against a recovery: made and marked on one connection
                long w = walkOn(s, from, newfid, names, rep, failed);
                if (w == 0) {
                    made.made(rep.qid, s.gen());
                }
                return w;
            }
        });
        if (r < 0) {
            fids.remove(newfid);
            made.markClosed();
            if (!rep.fidKeptByConnection) {
                fidNumbers.release(newfid);
            }
            throw error(failed[0] != null ? failed[0] : "Twalk(fid=" + from.number() + ", newfid=" + newfid + ", names="
                    + Arrays.toString(names) + ")", r);
        }
        return made;
    }

    /**
     * Walks {@code newfid} from {@code from} along {@code names} on one session, {@value
     * P9Descriptor#MAXWELEM} names at a time. @return 0, with the last qid in {@code rep.qid}, or -errno
     * (the fid number then not made on the server; the failed call named in {@code failed[0]})
     */
    private static long walkOn(P9Session s, Fid from, int newfid, String[] names, P9Reply rep, String[] failed) {
        int done = 0;
        Qid last = from.qid();
        do {
            int n = Math.min(P9Descriptor.MAXWELEM, names.length - done);
            byte[][] part = new byte[n][];
            for (int i = 0; i < n; i++) {
                part[i] = P9Codec.utf8(names[done + i]);
            }
            rep.clear();
            int src = done == 0 ? from.number() : newfid;
            int r = s.walk(src, newfid, part, rep);
            if (r < 0) {
                if (done > 0) {
                    s.clunk(newfid);
                }
                failed[0] = "Twalk(fid=" + src + ", newfid=" + newfid + ", names=" + Arrays.toString(
                        Arrays.copyOfRange(names, done, done + n)) + ")";
                return r;
            }
            if (rep.qid != null) {
                last = rep.qid;
            }
            done += n;
        } while (done < names.length);
        rep.qid = last;
        return 0;
    }

    /**
     * Walks a slash-separated path from the root ("" or "/" clones the root).
     *
     * @param path a slash-separated path from the root
     * @return the new fid, which the caller closes
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public Fid walk(String path) throws IOException {
        String[] names = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        return walk(root, names);
    }

    /** Tclunk behind {@link Fid#close()}. */
    void clunk(Fid f) throws IOException {
        if (f == root && !closed) {
            throw new IllegalStateException("the root fid is closed with the client");
        }
        int gen;
        synchronized (f) { // against a recovery: walked again on a new connection, or closed, not both
            if (!f.markClosed()) {
                return;
            }
            gen = f.gen;
        }
        fids.remove(f.number());
        int r = 0;
        P9Session s = session;
        if (gen > s.gen() && reconnect != null) {
            // walked again on a connection the recovery has not published yet: clunk it there
            P9Session next = reconnect.await(s);
            s = next != null ? next : s;
        }
        if (gen == s.gen() && !f.isStale()) {
            r = s.clunk(f.number()); // lost with its connection: the fid is gone with it
        }
        fidNumbers.release(f.number());
        if (r < 0 && s.connection().failErrno() == 0) {
            throw error("Tclunk(fid=" + f.number() + ")", r);
        }
    }

    /**
     * Tremove: removes the fid's file and clunks the fid (whatever the result).
     *
     * @param f an open (or walked) fid of this client
     * @throws P9Exception naming the remove
     */
    public void remove(Fid f) throws IOException {
        int fid = live(f);
        if (f == root) {
            throw new IllegalArgumentException("the root fid cannot be removed");
        }
        int gen;
        synchronized (f) {
            if (!f.markClosed()) {
                throw new IllegalStateException("fid " + fid + " used after close");
            }
            gen = f.gen;
        }
        fids.remove(fid);
        P9Session s = session;
        if (gen > s.gen() && reconnect != null) {
            P9Session next = reconnect.await(s);
            s = next != null ? next : s;
        }
        long r;
        if (f.isStale() || gen != s.gen()) {
            r = -Errno.ESTALE;
        } else {
            r = s.remove(fid);
            if (lost(s, r)) {
                // the fid died with its connection: settle on a new one by the path, if the same file is there
                r = removeByPath(s, f);
            }
        }
        fidNumbers.release(fid);
        if (r < 0) {
            throw error("Tremove(fid=" + fid + ")", r);
        }
    }

    /** Tremove of a fid whose connection was lost with the request: by its path, if the file is still there. */
    private long removeByPath(P9Session failed, Fid f) {
        P9Session s = reconnect.await(failed);
        if (s == null) {
            return -failed.connection().failErrno();
        }
        Fid t;
        try {
            t = walk(root, f.names());
        } catch (P9Exception e) {
            return e.errno() == Errno.ENOENT ? 0 : -e.errno(); // gone: the lost Tremove did it
        } catch (IOException e) {
            return -Errno.EIO;
        }
        Qid q = f.qid();
        if (q != null && t.qid() != null && q.path() != t.qid().path()) {
            closeQuietly(t);
            return 0; // another file there now: ours was removed
        }
        try {
            remove(t);
            return 0;
        } catch (P9Exception e) {
            return -e.errno();
        } catch (IOException e) {
            return -Errno.EIO;
        }
    }

    private static void closeQuietly(Fid f) {
        try {
            f.close();
        } catch (IOException | RuntimeException e) {
            // the fid is gone either way
        }
    }

    // ---- opening --------------------------------------------------------------------------------------

    /**
     * Tlopen: opens the fid with {@code P9_DOTL_*} flags ({@link P9Flags}).
     *
     * @param f an open (or walked) fid of this client
     * @param flags {@code P9_DOTL_*} open flags ({@link P9Flags})
     * @return the qid
     * @throws P9Exception naming the open, e.g. {@code EISDIR} for writing a directory
     */
    public Qid lopen(Fid f, int flags) throws IOException {
        int fid = live(f);
        P9Reply rep = new P9Reply();
        long r = retrying(f, null, null, s -> {
            synchronized (f) { // against a recovery: it reopens what is marked open
                rep.clear();
                int o = s.lopen(fid, flags, rep);
                if (o >= 0) {
                    f.opened(rep.qid, o, flags);
                }
                return o;
            }
        });
        if (r < 0) {
            throw error("Tlopen(fid=" + fid + ", flags=0" + Integer.toOctalString(flags) + ")", r);
        }
        return rep.qid;
    }

    /**
     * Walks a path from the root and opens it.
     *
     * @param path a slash-separated path from the root
     * @param flags {@code P9_DOTL_*} open flags ({@link P9Flags})
     * @return the open fid, which the caller closes
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public Fid open(String path, int flags) throws IOException {
        Fid f = walk(path);
        try {
            lopen(f, flags);
            return f;
        } catch (IOException | RuntimeException e) {
            closeQuietly(f, e);
            throw e;
        }
    }

    /**
     * Tlcreate on the fid itself: {@code f} (a directory) becomes the new file {@code name}, open.
     *
     * @param f an open (or walked) fid of this client
     * @param name the entry name
     * @param flags {@code P9_DOTL_*} open flags ({@link P9Flags})
     * @param mode permission bits
     * @param gid the group id of the new file
     * @return the new file's qid
     * @throws P9Exception naming the create, e.g. {@code EEXIST} with {@code P9_DOTL_EXCL}
     */
    public Qid lcreate(Fid f, String name, int flags, int mode, int gid) throws IOException {
        int fid = live(f);
        P9Reply rep = new P9Reply();
        boolean[] wasLost = new boolean[1];
        long r = retrying(f, null, wasLost, s -> {
            synchronized (f) { // against a recovery: the fid is the directory until this succeeds, then the file
                rep.clear();
                int o = s.lcreate(fid, name, flags, mode, gid, rep);
                if (o >= 0) {
                    f.names(concat(f.names(), name));
                    f.opened(rep.qid, o, flags);
                } else if (o == -Errno.EEXIST && wasLost[0]) {
                    // the lost Tlcreate made it: the server shows the file, so open it
                    o = openExisting(s, f, name, flags, rep);
                }
                return o;
            }
        });
        if (r < 0) {
            throw error("Tlcreate(fid=" + fid + ", name=" + name + ", flags=0" + Integer.toOctalString(flags)
                    + ", mode=0" + Integer.toOctalString(mode) + ")", r);
        }
        return rep.qid;
    }

    /**
     * Creates and opens a file in {@code dir}, leaving {@code dir} as it is (a clone is walked and
     * Tlcreate'd).
     *
     * @param flags {@code P9_DOTL_*} open flags (such as {@code P9_DOTL_RDWR | P9_DOTL_EXCL})
     * @param mode permission bits
     * @param dir a directory fid
     * @param name the entry name
     * @return the new open fid, which the caller closes
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public Fid create(Fid dir, String name, int flags, int mode) throws IOException {
        Fid f = walk(dir);
        try {
            lcreate(f, name, flags, mode, options.gid());
            return f;
        } catch (IOException | RuntimeException e) {
            closeQuietly(f, e);
            throw e;
        }
    }

    /** A lost Tlcreate's file found on the server: the directory fid walks onto it and opens it. */
    private static int openExisting(P9Session s, Fid f, String name, int flags, P9Reply rep) {
        rep.clear();
        int r = s.walk(f.number(), f.number(), new byte[][] {P9Codec.utf8(name)}, rep);
        if (r < 0) {
            return r;
        }
        f.names(concat(f.names(), name));
        int o = s.lopen(f.number(), flags & ~(P9Flags.P9_DOTL_CREATE | P9Flags.P9_DOTL_EXCL | P9Flags.P9_DOTL_TRUNC),
                rep);
        if (o >= 0) {
            f.opened(rep.qid, o, flags);
        }
        return o;
    }

    private static void closeQuietly(Fid f, Throwable primary) {
        try {
            f.close();
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    // ---- data: blocking -------------------------------------------------------------------------------

    /**
     * Reads {@code len} bytes at {@code offset} of an open fid into {@code dest[destOff ..]}, straight
     * into the chain's memory, with up to {@link P9Options#window()} Treads in flight.
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param dest where the data goes
     * @param destOff the offset in {@code dest}
     * @param len bytes to transfer
     * @return bytes read: fewer than {@code len} only at end of file
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public long read(Fid f, long offset, BvecqBuffer dest, long destOff, long len) throws IOException {
        int fid = live(f);
        int io = transferSize(f);
        long[] at = new long[1];
        long[] done = new long[1];
        long r = retrying(f, null, null, s -> {
            // sent again after a lost connection: from where the replies that came stopped
            long x = s.read(fid, io, offset + at[0], dest, destOff + at[0], len - at[0], options.window(), done);
            if (x >= 0) {
                return at[0] + x;
            }
            if (lost(s, x)) {
                at[0] += done[0];
            }
            return x;
        });
        if (r < 0) {
            throw error("Tread(fid=" + fid + ", offset=" + offset + ", len=" + len + ")", r);
        }
        return r;
    }

    /**
     * Reads into native memory the caller keeps alive.
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param dest where the data goes
     * @return bytes read: fewer than {@code dest.byteSize()} only at end of file
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public long read(Fid f, long offset, MemorySegment dest) throws IOException {
        if (dest.byteSize() == 0) {
            return 0;
        }
        try (BvecqBuffer b = BvecqBuffer.extract(null, dest)) {
            return read(f, offset, b, 0, dest.byteSize());
        }
    }

    /**
     * Reads up to {@code len} bytes into a new array (a convenience: the data is copied once).
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param len bytes to transfer
     * @return the bytes read (shorter at end of file)
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public byte[] read(Fid f, long offset, int len) throws IOException {
        try (Arena a = Arena.ofShared()) { // the receiving thread writes it
            MemorySegment m = a.allocate(Math.max(1, len), 4096);
            long n = read(f, offset, m.asSlice(0, len));
            return m.asSlice(0, n).toArray(P9Codec.U8);
        }
    }

    /**
     * Writes {@code len} bytes of {@code src[srcOff ..]} at {@code offset}, each Twrite one sendmsg of
     * header and the chain's iovecs, up to {@link P9Options#window()} in flight.
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param src the data
     * @param srcOff the offset in {@code src}
     * @param len bytes to transfer
     * @return bytes written (fewer only if the server wrote less)
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public long write(Fid f, long offset, BvecqBuffer src, long srcOff, long len) throws IOException {
        int fid = live(f);
        int io = transferSize(f);
        long[] at = new long[1];
        long[] done = new long[1];
        long r = retrying(f, null, null, s -> {
            long x = s.write(fid, io, offset + at[0], src, srcOff + at[0], len - at[0], options.window(), done);
            if (x >= 0) {
                return at[0] + x;
            }
            if (lost(s, x)) {
                at[0] += done[0];
            }
            return x;
        });
        if (r < 0) {
            throw error("Twrite(fid=" + fid + ", offset=" + offset + ", len=" + len + ")", r);
        }
        return r;
    }

    /**
     * Writes native memory the caller keeps alive, or heap memory (copied into pool memory first).
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param src the data
     * @return bytes written
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public long write(Fid f, long offset, MemorySegment src) throws IOException {
        if (src.byteSize() == 0) {
            return 0;
        }
        try (BvecqBuffer b = BvecqBuffer.extract(options.pool(), src)) {
            return write(f, offset, b, 0, src.byteSize());
        }
    }

    /**
     * Writes an array (copied into pool memory first).
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param data the bytes to write
     * @return bytes written
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public long write(Fid f, long offset, byte[] data) throws IOException {
        return write(f, offset, MemorySegment.ofArray(data));
    }

    // ---- data: asynchronous ---------------------------------------------------------------------------

    /**
     * Issues a Tread of {@code count} bytes ({@code <= ioSize(f)}); the data lands straight in
     * {@code dest} (DIRECT) or is copied there from the receive chunk (BULK), and {@code dest} is
     * advanced by what arrived. {@code dest} is the client's until the callback. Allocates nothing.
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param count bytes, at most {@link #ioSize(Fid)}
     * @param dest where the data goes
     * @param cb called once with the result
     * @param cookie passed to the callback
     * @return a handle for {@link #cancel(long)}, or {@code -errno} (then the callback is not called)
     */
    public long readAsync(Fid f, long offset, int count, BvecqIter dest, P9Callback cb, long cookie) {
        checkIo(f, count);
        if (resend != null) {
            return resend.issue(P9Type.Tread, f, offset, count, dest, cb, cookie);
        }
        return session.readAsync(f.live(), offset, count, dest, cb, cookie);
    }

    /**
     * Issues a Tread of {@code count} bytes appended to {@code appendTo}: in BULK mode as slices of the
     * receive chunks (folio references, no copy); in DIRECT mode received into pool memory appended
     * first (and shortened to what arrived). {@code appendTo} is the client's until the callback. Not
     * sent again after a lost connection: the callback gets the connection's error.
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param count bytes, at most {@link #ioSize(Fid)}
     * @param appendTo the chain the data is appended to
     * @param cb called once with the result
     * @param cookie passed to the callback
     * @return a handle for {@link #cancel(long)}, or {@code -errno}
     */
    public long readAsync(Fid f, long offset, int count, BvecqBuffer appendTo, P9Callback cb, long cookie) {
        checkIo(f, count);
        return session.readAsync(f.live(), offset, count, appendTo, cb, cookie);
    }

    /**
     * Issues a Twrite of {@code count} bytes of {@code src} ({@code <= ioSize(f)}), sent as ONE sendmsg
     * of [header, src's iovecs]. {@code src} is the client's until the callback. Allocates nothing.
     *
     * @param f an open (or walked) fid of this client
     * @param offset the file offset
     * @param count bytes, at most {@link #ioSize(Fid)}
     * @param src the data
     * @param cb called once with the result
     * @param cookie passed to the callback
     * @return a handle for {@link #cancel(long)}, or {@code -errno}
     */
    public long writeAsync(Fid f, long offset, int count, BvecqIter src, P9Callback cb, long cookie) {
        checkIo(f, count);
        if (resend != null) {
            return resend.issue(P9Type.Twrite, f, offset, count, src, cb, cookie);
        }
        return session.writeAsync(f.live(), offset, count, src, cb, cookie);
    }

    private void checkIo(Fid f, int count) {
        if (f.client() != this) {
            throw new IllegalArgumentException("fid " + f.number() + " belongs to another client");
        }
        if (count > ioSize(f)) {
            throw new IllegalArgumentException("invalid count=" + count + " for ioSize=" + ioSize(f));
        }
    }

    /**
     * Cancels an asynchronous request: Tflush is sent and the callback gets {@code -ECANCELED} now
     * (on this thread); the data of a cancelled read is discarded if it still arrives. A request waiting
     * to be sent again on a recovered connection cannot be cancelled ({@code -ESRCH}).
     *
     * @param handle what the issuing call returned
     * @return 0 if cancelled, {@code -EALREADY} if it is completing or completed, {@code -ESRCH} if
     *     the handle names no request in flight
     */
    public int cancel(long handle) {
        return session.cancel(handle);
    }

    /** Holds the requests this thread issues until {@link #unplug()}, so they leave in one sendmsg. */
    public void plug() {
        Plug p = plugs.get();
        if (p.depth++ == 0) {
            p.session = session;
            p.session.connection().plug();
        }
    }

    /** Sends what this thread issued since {@link #plug()} (nested plugs: the outermost sends). */
    public void unplug() {
        Plug p = plugs.get();
        if (p.depth <= 0) {
            throw new IllegalStateException("unplug without plug");
        }
        if (--p.depth == 0) {
            P9Session s = p.session;
            p.session = null;
            s.connection().unplug(); // the connection plugged, even if a recovery replaced it since
        }
    }

    /** A thread's plug: on the connection in use when it began, which a recovery may replace meanwhile. */
    private static final class Plug {
        int depth;
        P9Session session;
    }

    private final ThreadLocal<Plug> plugs = ThreadLocal.withInitial(Plug::new);

    /**
     * For a completion callback: whether the connection's receiving thread already holds the start of
     * another reply, so another callback follows without waiting for the socket. An engine that refills
     * freed places in batches can wait for it while it is true, and refill at once when it is false
     * (the socket may be empty: waiting would leave the server idle). Always false off the receiving
     * thread.
     */
    public boolean replyArriving() {
        return conn().replyArriving();
    }

    // ---- attributes -----------------------------------------------------------------------------------

    /**
     * Tgetattr of {@link P9Flags#P9_GETATTR_ALL}.
     *
     * @param f an open (or walked) fid of this client
     * @return the attributes
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public P9Attr getattr(Fid f) throws IOException {
        return getattr(f, P9Flags.P9_GETATTR_ALL);
    }

    /**
     * Tgetattr.
     *
     * @param mask {@code P9_GETATTR_*} bits of the fields wanted
     * @param f an open (or walked) fid of this client
     * @return the attributes
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public P9Attr getattr(Fid f, long mask) throws IOException {
        int fid = live(f);
        P9Attr a = new P9Attr();
        long r = retrying(f, null, null, s -> s.getattr(fid, mask, a));
        if (r < 0) {
            throw error("Tgetattr(fid=" + fid + ", request_mask=0x" + Long.toHexString(mask) + ")", r);
        }
        return a;
    }

    /**
     * Tsetattr: sets the fields {@code valid} ({@code P9_ATTR_*}) names.
     * @param f an open (or walked) fid of this client
     * @param valid {@code P9_ATTR_*} bits of the fields to set
     * @param mode permission bits
     * @param uid the owner
     * @param gid the group id of the new file
     * @param size the new size in bytes
     * @param atimeSec atime seconds
     * @param atimeNsec atime nanoseconds
     * @param mtimeSec mtime seconds
     * @param mtimeNsec mtime nanoseconds
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void setattr(Fid f, int valid, int mode, int uid, int gid, long size, long atimeSec, long atimeNsec,
                        long mtimeSec, long mtimeNsec) throws IOException {
        int fid = live(f);
        long r = retrying(f, null, null, s -> s.setattr(fid, valid, mode, uid, gid, size, atimeSec, atimeNsec, mtimeSec,
                mtimeNsec));
        if (r < 0) {
            throw error("Tsetattr(fid=" + fid + ", valid=0x" + Integer.toHexString(valid) + ")", r);
        }
    }

    /**
     * Tsetattr of the size: truncates or extends the file.
     * @param f an open (or walked) fid of this client
     * @param size the new size in bytes
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void truncate(Fid f, long size) throws IOException {
        setattr(f, P9Flags.P9_ATTR_SIZE, 0, 0, 0, size, 0, 0, 0, 0);
    }

    /**
     * Tsetattr of the permission bits.
     * @param f an open (or walked) fid of this client
     * @param mode permission bits
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void chmod(Fid f, int mode) throws IOException {
        setattr(f, P9Flags.P9_ATTR_MODE, mode, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Tfsync of an open fid.
     * @param f an open (or walked) fid of this client
     * @param datasync true to sync the data only (fdatasync)
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void fsync(Fid f, boolean datasync) throws IOException {
        int fid = live(f);
        long r = retrying(f, null, null, s -> s.fsync(fid, datasync));
        if (r < 0) {
            throw error("Tfsync(fid=" + fid + ", datasync=" + datasync + ")", r);
        }
    }

    /**
     * Tstatfs.
     *
     * @param f an open (or walked) fid of this client
     * @return the server file system's statistics
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public P9StatFs statfs(Fid f) throws IOException {
        int fid = live(f);
        P9Reply rep = new P9Reply();
        long r = retrying(f, null, null, s -> s.statfs(fid, rep));
        if (r < 0) {
            throw error("Tstatfs(fid=" + fid + ")", r);
        }
        return rep.statfs;
    }

    // ---- directories ----------------------------------------------------------------------------------

    /**
     * Lists a directory: a clone of {@code dir} is opened and read with Treaddir until the end, then
     * clunked. {@code dir} stays as it is.
     *
     * @param dir a directory fid
     * @return every entry, "." and ".." included
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public List<Dirent> readdir(Fid dir) throws IOException {
        List<Dirent> out = new ArrayList<>();
        while (true) {
            out.clear();
            if (readdirOnce(dir, out)) {
                return out;
            }
            // the connection was lost and recovered: the offsets of a new connection start again
        }
    }

    /** @return false when the connection was lost and recovered on the way: list again */
    private boolean readdirOnce(Fid dir, List<Dirent> out) throws IOException {
        try (Fid d = walk(dir); Arena a = Arena.ofShared()) { // the receiving thread writes it
            lopen(d, P9Flags.P9_DOTL_RDONLY);
            int count = msize() - P9Descriptor.P9_READDIRHDRSZ;
            MemorySegment buf = a.allocate(count, 4096);
            long offset = 0;
            while (true) {
                if (d.isStale()) {
                    throw error("Treaddir(fid=" + d.number() + ")", -Errno.ESTALE);
                }
                P9Session s = session;
                long n = s.readdir(d.number(), offset, count, buf);
                if (lost(s, n) && reconnect.await(s) != null) {
                    reconnect.countRetry();
                    return false;
                }
                if (n < 0) {
                    throw error("Treaddir(fid=" + d.number() + ", offset=" + offset + ", count=" + count + ")", n);
                }
                if (n == 0) {
                    break;
                }
                offset = P9Codec.decodeDirents(buf, n, out);
            }
        }
        return true;
    }

    /**
     * Tmkdir.
     *
     * @param dir a directory fid
     * @param name the entry name
     * @param mode permission bits
     * @return the new directory's qid
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public Qid mkdir(Fid dir, String name, int mode) throws IOException {
        int fid = live(dir);
        P9Reply rep = new P9Reply();
        boolean[] wasLost = new boolean[1];
        long r = retrying(dir, null, wasLost, s -> s.mkdir(fid, name, mode, options.gid(), rep));
        if (r == -Errno.EEXIST && wasLost[0]) {
            Qid q = existing(dir, name); // the lost Tmkdir made it
            if (q != null && q.isDirectory()) {
                return q;
            }
        }
        if (r < 0) {
            throw error("Tmkdir(dfid=" + fid + ", name=" + name + ", mode=0" + Integer.toOctalString(mode) + ")", r);
        }
        return rep.qid;
    }

    /**
     * Tunlinkat: removes {@code name} from {@code dir}; {@link P9Flags#P9_DOTL_AT_REMOVEDIR} for a
     * directory.
     * @param dir a directory fid
     * @param name the entry name
     * @param flags {@code P9_DOTL_*} open flags ({@link P9Flags})
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void unlinkat(Fid dir, String name, int flags) throws IOException {
        int fid = live(dir);
        boolean[] wasLost = new boolean[1];
        long r = retrying(dir, null, wasLost, s -> s.unlinkat(fid, name, flags));
        if (r == -Errno.ENOENT && wasLost[0]) {
            r = 0; // the lost Tunlinkat did it
        }
        if (r < 0) {
            throw error("Tunlinkat(dfid=" + fid + ", name=" + name + ", flags=0x" + Integer.toHexString(flags) + ")", r);
        }
    }

    /**
     * Trenameat: renames {@code oldName} in {@code oldDir} to {@code newName} in {@code newDir}.
     * @param oldDir the directory holding {@code oldName}
     * @param oldName the current name
     * @param newDir the directory to hold {@code newName}
     * @param newName the new name
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void renameat(Fid oldDir, String oldName, Fid newDir, String newName) throws IOException {
        int o = live(oldDir);
        int n = live(newDir);
        boolean[] wasLost = new boolean[1];
        long r = retrying(oldDir, newDir, wasLost, s -> s.renameat(o, oldName, n, newName));
        if (r == -Errno.ENOENT && wasLost[0] && existing(newDir, newName) != null) {
            r = 0; // the lost Trenameat did it: the old name is gone, the new one is there
        }
        if (r < 0) {
            throw error("Trenameat(olddirfid=" + o + ", oldname=" + oldName + ", newdirfid=" + n + ", newname="
                    + newName + ")", r);
        }
        renamed(concat(oldDir.names(), oldName), concat(newDir.names(), newName));
    }

    /** After a rename through this client: the live fids below the old path are below the new one. */
    private void renamed(String[] from, String[] to) {
        for (Fid f : fids.values()) {
            synchronized (f) {
                String[] p = f.names();
                if (p.length >= from.length && Arrays.equals(p, 0, from.length, from, 0, from.length)) {
                    f.names(concat(to, Arrays.copyOfRange(p, from.length, p.length)));
                }
            }
        }
    }

    /** @return the qid of {@code name} in {@code dir} as the server shows it, or {@code null} if it is not there */
    private Qid existing(Fid dir, String name) throws IOException {
        try (Fid t = walk(dir, name)) {
            return t.qid();
        } catch (P9Exception e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Tsymlink: a symbolic link {@code name} in {@code dir} pointing at {@code target}.
     *
     * @param dir a directory fid
     * @param name the entry name
     * @param target the link target
     * @return its qid
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public Qid symlink(Fid dir, String name, String target) throws IOException {
        int fid = live(dir);
        P9Reply rep = new P9Reply();
        boolean[] wasLost = new boolean[1];
        long r = retrying(dir, null, wasLost, s -> s.symlink(fid, name, target, options.gid(), rep));
        if (r == -Errno.EEXIST && wasLost[0]) {
            Qid q = existing(dir, name); // the lost Tsymlink made it
            if (q != null && q.isSymlink()) {
                return q;
            }
        }
        if (r < 0) {
            throw error("Tsymlink(dfid=" + fid + ", name=" + name + ", symtgt=" + target + ")", r);
        }
        return rep.qid;
    }

    /**
     * Treadlink of a fid walked to a symbolic link.
     *
     * @param f an open (or walked) fid of this client
     * @return the link's target
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public String readlink(Fid f) throws IOException {
        int fid = live(f);
        P9Reply rep = new P9Reply();
        long r = retrying(f, null, null, s -> s.readlink(fid, rep));
        if (r < 0) {
            throw error("Treadlink(fid=" + fid + ")", r);
        }
        return rep.text;
    }

    /**
     * Tlink: a hard link {@code name} in {@code dir} to the file of {@code target}.
     * @param dir a directory fid
     * @param target the link target
     * @param name the entry name
     * @throws IOException ({@link P9Exception}) if the server answers with an error or the connection failed
     */
    public void link(Fid dir, Fid target, String name) throws IOException {
        int d = live(dir);
        int t = live(target);
        boolean[] wasLost = new boolean[1];
        long r = retrying(dir, target, wasLost, s -> s.link(d, t, name));
        if (r == -Errno.EEXIST && wasLost[0]) {
            Qid q = existing(dir, name); // the lost Tlink made it
            if (q != null && target.qid() != null && q.path() == target.qid().path()) {
                r = 0;
            }
        }
        if (r < 0) {
            throw error("Tlink(dfid=" + d + ", fid=" + t + ", name=" + name + ")", r);
        }
    }

    // ---- closing --------------------------------------------------------------------------------------

    /**
     * Clunks the root, closes the connection (requests still in flight complete with
     * {@code -ECONNABORTED}) and frees the client's memory. Idempotent. Not from a callback.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (reconnect != null) {
            reconnect.close(); // a recovery under way stops; what waits for it fails with ECONNABORTED
        }
        P9Connection conn = conn();
        try {
            if (conn.failErrno() == 0) {
                root.close();
            } else if (root.markClosed()) {
                fids.remove(root.number());
                fidNumbers.release(root.number());
            }
        } catch (IOException e) {
            // the root is gone with the connection either way
        } finally {
            conn.close();
            if (resend != null) {
                resend.failQueued(Errno.ECONNABORTED);
            }
            if (ownPool != null) {
                ownPool.close();
            }
        }
    }

    @Override
    public String toString() {
        P9Connection conn = conn();
        return "P9Client[" + conn.peer() + ", msize=" + msize() + ", " + transportKind() + ", " + receiveMode()
                + (conn.failReason() != null ? ", failed: " + conn.failReason() : "")
                + (reconnects() > 0 ? ", reconnects=" + reconnects() : "") + "]";
    }
}
