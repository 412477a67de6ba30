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
 */
public final class Fid implements AutoCloseable {
    private final P9Client client;
    private final int number;
    private volatile Qid qid;
    private volatile int iounit;
    private volatile boolean open;
    private final AtomicBoolean closed = new AtomicBoolean();

    Fid(P9Client client, int number, Qid qid) {
        this.client = client;
        this.number = number;
        this.qid = qid;
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

    void opened(Qid q, int iounit) {
        if (q != null) {
            this.qid = q;
        }
        this.iounit = iounit;
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
        return "Fid[" + number + (closed.get() ? ", closed" : open ? ", open" : "") + ", " + qid + "]";
    }
}
