package io.jnetfs.p9.netfs;

import io.jnetfs.ffm.Errno;
import io.jnetfs.netfs.NetfsIoRequest;
import io.jnetfs.netfs.NetfsIoSubrequest;
import io.jnetfs.netfs.NetfsRequestOps;
import io.jnetfs.netfs.NetfsSource;
import io.jnetfs.netfs.NetfsSreqFlags;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Callback;
import io.jnetfs.p9.P9Client;
import io.jnetfs.ffm.NativeIoException;
import java.io.IOException;
import java.util.ArrayDeque;

/**
 * 9P2000.L fills in the netfs request ops (as the kernel's {@code fs/9p/vfs_addr.c} does): a read
 * subrequest is one Tread straight into the subrequest's buffer, an upload one Twrite sent as ONE
 * sendmsg from it; the most per RPC is {@code min(msize - 24, iounit)} rounded down to whole pages
 * ({@link P9Client#transferSize}). A file keeps at most {@code inflight} Treads and Twrites out; the
 * subrequests beyond wait in order and take places as they free up: a quarter of the window at a
 * time, glued into one sendmsg, while replies pile up, else each at once (see {@code rpcDone}).
 *
 * <p>Completions come back through a primitive callback; the subrequest in flight is found by a slot
 * index carried in the cookie, so issuing and completing allocate nothing.
 */
public final class P9NetfsOps implements NetfsRequestOps, P9Callback {
    private final P9Client client;
    private final Fid fid;
    private final int ioSize;
    private final int transferSize;
    private final int inflight;
    /** How many free places a refill waits for, so that their messages leave in one sendmsg. */
    private final int refillBatch;
    private final NetfsIoSubrequest[] slots;
    /** Read and write subrequests issued beyond {@code inflight}, waiting for a place (FIFO). */
    private final ArrayDeque<NetfsIoSubrequest> waiting = new ArrayDeque<>(1024);
    private int inFlight;
    private int inFlightHighWater;
    private long refills;
    private long refilled;
    private final int[] free;
    private int freeTop;

    /**
     * @param client the connection
     * @param fid an open fid of the file (the caller keeps it open while the ops are used)
     * @param inflight how many RPCs the engine should keep in flight per request, and the most Treads
     *     and Twrites this file has in flight at once (further subrequests wait their turn, the way the
     *     kernel's cifs waits for credits)
     */
    public P9NetfsOps(P9Client client, Fid fid, int inflight) {
        if (inflight <= 0) {
            throw new IllegalArgumentException("invalid inflight=" + inflight);
        }
        this.client = client;
        this.fid = fid;
        this.ioSize = client.ioSize(fid);
        // subrequests carry whole pages (P9Client.transferSize: msize 65536 gives 61440 bytes, not 65512),
        // so every Tread and Twrite starts page-aligned in the file and in the folio it fills
        this.transferSize = client.transferSize(fid);
        this.inflight = inflight;
        // a quarter of the places, while replies pile up: the server still has three quarters of its
        // Treads queued while the refill gathers, and one sendmsg (and one wake-up of the server)
        // carries four Treads at 16 in flight; measured against refilling one place at a time, the
        // engine's CPU per GiB of a cold read fell from about 0.2 to the raw client's 0.13-0.16 s
        // (BENCHMARKS.md)
        this.refillBatch = Math.max(1, inflight / 4);
        this.slots = new NetfsIoSubrequest[1024];
        this.free = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            free[i] = slots.length - 1 - i;
        }
        this.freeTop = slots.length;
    }

    /** @return the bytes one Tread or Twrite carries at most */
    public int ioSize() {
        return ioSize;
    }

    /** @return the bytes one read or write subrequest carries at most: {@link #ioSize()} rounded down to pages */
    public int transferSize() {
        return transferSize;
    }

    @Override
    public long estimate(NetfsIoRequest rreq) {
        return (long) transferSize * inflight;
    }

    @Override
    public int prepareRead(NetfsIoSubrequest s) {
        s.maxLen(transferSize);
        return 0;
    }

    @Override
    public void issueRead(NetfsIoSubrequest s) {
        issue(s);
    }

    /** Sends the subrequest's Tread or Twrite if this file has a place for it, else queues it. */
    private void issue(NetfsIoSubrequest s) {
        synchronized (this) {
            if (inFlight >= inflight) {
                waiting.addLast(s); // goes out when an RPC in flight ends: see rpcDone()
                return;
            }
            inFlight++;
            inFlightHighWater = Math.max(inFlightHighWater, inFlight);
        }
        if (!send(s)) {
            rpcDone();
        }
    }

    /**
     * Sends one Tread or Twrite; false if it could not go out (the subrequest was terminated with the
     * error).
     */
    private boolean send(NetfsIoSubrequest s) {
        int slot = take(s);
        if (slot < 0) {
            s.terminated(-Errno.EAGAIN);
            return false;
        }
        long h = isRead(s) ? client.readAsync(fid, s.position(), (int) s.remaining(), s.iter(), this, slot)
                : client.writeAsync(fid, s.position(), (int) s.remaining(), s.iter(), this, slot);
        if (h < 0) {
            give(slot);
            s.terminated(h);
            return false;
        }
        return true;
    }

    private static boolean isRead(NetfsIoSubrequest s) {
        return s.source() == NetfsSource.NETFS_DOWNLOAD_FROM_SERVER;
    }

    /**
     * An RPC ended (or never went out): waiting subrequests take the free places, {@link
     * #refillBatch} of them at once, glued into one sendmsg, while more replies are already arriving
     * ({@link P9Client#replyArriving()}: their completions come back here); at once when none is (the
     * server may have nothing left to do) or nothing else is in flight. So the batch adapts: where the
     * client's replies pile up (client and server share busy cores) refills go four at a time, where
     * they come one by one (the server has a core of its own) each place is refilled as it frees.
     * A loop, not a recursion: on a failed connection every waiting subrequest fails here in turn,
     * however many wait. Allocation-free: the places are reserved under the lock, the subrequests polled
     * one by one as they are sent. On the receiving thread nothing waits in sendmsg: what the socket
     * does not take at once goes to the connection's sender thread.
     */
    private void rpcDone() {
        int ended = 1;
        while (ended > 0) {
            int k;
            synchronized (this) {
                inFlight -= ended;
                int free = inflight - inFlight;
                // a partial batch waits only while another reply is already arriving (its completion
                // comes back here at once); otherwise the socket may be empty, and the places go now
                if (waiting.isEmpty() || (free < refillBatch && inFlight > 0 && client.replyArriving())) {
                    return;
                }
                k = Math.min(free, waiting.size());
                refills++;
                refilled += k;
                inFlight += k;
                inFlightHighWater = Math.max(inFlightHighWater, inFlight);
            }
            ended = 0;
            client.plug();
            try {
                for (int i = 0; i < k; i++) {
                    NetfsIoSubrequest next;
                    synchronized (this) {
                        next = waiting.pollFirst();
                    }
                    if (next == null || !send(next)) {
                        ended++; // the place is free again: another refill took it first, or it failed
                    }
                }
            } finally {
                client.unplug();
            }
        }
    }

    /** @return the most Treads and Twrites this file has had in flight at once (at most {@code inflight}) */
    public synchronized int rpcsInFlightHighWater() {
        return inFlightHighWater;
    }

    /** The Treads of a dispatched run leave glued, in one sendmsg ({@link P9Client#plug()}). */
    @Override
    public void beginIssue() {
        client.plug();
    }

    @Override
    public void endIssue() {
        client.unplug();
    }

    /**
     * @return {times freed places were refilled, subrequests sent by those refills}: their ratio is the
     *     mean refill batch
     */
    public synchronized long[] refillCounts() {
        return new long[] {refills, refilled};
    }

    @Override
    public int prepareWrite(NetfsIoSubrequest s) {
        s.maxLen(transferSize);
        return 0;
    }

    @Override
    public void issueWrite(NetfsIoSubrequest s) {
        issue(s); // the writer (or the writeback) does not block in sendmsg behind a whole 16 MiB run
    }

    @Override
    public void complete(long cookie, long result) {
        NetfsIoSubrequest s = give((int) cookie);
        if (result == 0 && isRead(s)) {
            s.setFlags(NetfsSreqFlags.NETFS_SREQ_HIT_EOF); // Rread count 0: the server's file ends here
        }
        rpcDone(); // before terminating: the pipe stays full while collection runs
        s.terminated(result);
    }

    @Override
    public int fsync() {
        try {
            client.fsync(fid, false);
            return 0;
        } catch (NativeIoException e) {
            return -e.errno();
        } catch (IOException e) {
            return -Errno.EIO;
        }
    }

    @Override
    public int truncate(long size) {
        try {
            client.truncate(fid, size);
            return 0;
        } catch (NativeIoException e) {
            return -e.errno();
        } catch (IOException e) {
            return -Errno.EIO;
        }
    }

    private synchronized int take(NetfsIoSubrequest s) {
        if (freeTop == 0) {
            return -1;
        }
        int slot = free[--freeTop];
        slots[slot] = s;
        return slot;
    }

    private synchronized NetfsIoSubrequest give(int slot) {
        NetfsIoSubrequest s = slots[slot];
        slots[slot] = null;
        free[freeTop++] = slot;
        return s;
    }
}
