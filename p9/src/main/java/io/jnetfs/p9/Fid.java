package io.jnetfs.p9;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fid: the client's handle on a file of the server, made by {@link P9Client#walk} (or by attaching:
 * the {@link P9Client#root() root}) and given back by {@link #close()} (Tclunk) or
 * {@link P9Client#remove(Fid)}. Every fid a caller makes is the caller's to close; the client counts
 * live fids ({@link P9Client#liveFids()}) so leaks show.
 *
 * <p>A fid may be opened once ({@link P9Client#lopen}, {@link P9Client#create}); then it has an
 * {@link #iounit()} and may be read, written or listed.
 *
 * <p>A fid remembers the path it was walked along and the flags it was opened with: when the client
 * recovers a lost connection ({@link P9Options#reconnect()}) it walks the same fid number along the
 * same path on the new connection and opens it again. A fid whose file is gone or is another file
 * there now (another qid path or type) becomes {@link #isStale() stale}: every request on it fails
 * with {@code ESTALE}, never reaching another file's bytes.
 */
public final class Fid implements AutoCloseable {
    private final P9Client client;
    private final int number;
    private volatile Qid qid;
    private volatile int iounit;
    private volatile boolean open;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The names walked from the root to this file (updated by renames through the client). */
    private volatile String[] path;
    /** The flags it was opened with, minus CREATE, EXCL and TRUNC; -1 while not open. */
    private volatile int reopenFlags = -1;
    /** The session generation on whose connection the server knows this fid; -1 before it is made. */
    volatile int gen = -1;
    /** The file is gone or replaced on the server since a lost connection. */
    private volatile boolean stale;

    Fid(P9Client client, int number, Qid qid, String[] path) {
        this.client = client;
        this.number = number;
        this.qid = qid;
        this.path = path;
    }

    /** {@return the fid number on the wire} */
    public int number() {
        return number;
    }

    /** {@return the qid of the file, as of the walk, open or create that made it; may be {@code null} after a 0-name walk} */
    public Qid qid() {
        return qid;
    }

    /** {@return the iounit the server gave when the fid was opened (0: no limit beyond msize)} */
    public int iounit() {
        return iounit;
    }

    /** {@return whether the fid has been opened (Tlopen or Tlcreate)} */
    public boolean isOpen() {
        return open;
    }

    /** {@return whether the fid has been closed (clunked or removed)} */
    public boolean isClosed() {
        return closed.get();
    }

    /** {@return the client this fid belongs to} */
    public P9Client client() {
        return client;
    }

    /** {@return whether the file was removed or replaced on the server while the connection was lost} */
    public boolean isStale() {
        return stale;
    }

    /** {@return the path from the root the fid was walked along, "/"-separated} */
    public String path() {
        return "/" + String.join("/", path);
    }

    String[] names() {
        return path;
    }

    void names(String[] p) {
        this.path = p;
    }

    int reopenFlags() {
        return reopenFlags;
    }

    void markStale() {
        stale = true;
    }

    void made(Qid q, int gen) {
        this.qid = q;
        this.gen = gen;
    }

    void opened(Qid q, int iounit, int flags) {
        if (q != null) {
            this.qid = q;
        }
        this.iounit = iounit;
        this.reopenFlags = flags & ~(P9Flags.P9_DOTL_CREATE | P9Flags.P9_DOTL_EXCL | P9Flags.P9_DOTL_TRUNC);
        this.open = true;
    }

    /** {@return the number, checking the fid is still live} */
    int live() {
        if (closed.get()) {
            throw new IllegalStateException("fid " + number + " used after close");
        }
        return number;
    }

    /** {@return true for the one caller that closes the fid} */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    /**
     * Clunks the fid and gives its number back; idempotent. The fid is gone whatever the server says.
     *
     * @throws IOException if the server answered the Tclunk with an error (not when the connection
     *     is already closed: then the fid is gone with it)
     */
    @Override
    public void close() throws IOException {
        client.clunk(this);
    }

    @Override
    public String toString() {
        return "Fid[" + number + (closed.get() ? ", closed" : open ? ", open" : "") + (stale ? ", stale" : "") + ", "
                + path() + ", " + qid + "]";
    }
}
