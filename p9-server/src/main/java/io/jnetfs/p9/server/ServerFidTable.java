package io.jnetfs.p9.server;

import io.jnetfs.ffm.Errno;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's fids: an open-addressing map from the client's 32-bit fid numbers to
 * {@link ServerFid}s, with linear probing and backward-shift deletion, so lookups on the Tread path
 * neither box nor allocate. At most {@code limit} fids; thread-safe (one lock, held for a probe).
 */
final class ServerFidTable {
    private final int limit;
    private int[] keys;
    private ServerFid[] values;
    private int size;

    /** @param limit the most fids at once */
    ServerFidTable(int limit) {
        this.limit = limit;
        int cap = 64;
        keys = new int[cap];
        values = new ServerFid[cap];
    }

    private static int hash(int fid, int mask) {
        return (fid * 0x9E3779B9 >>> 16 ^ fid * 0x9E3779B9) & mask;
    }

    /**
     * Looks a fid up and takes a reference on it for the caller.
     *
     * @return the fid with a reference the caller puts, or null
     */
    synchronized ServerFid get(int fid) {
        int mask = keys.length - 1;
        for (int i = hash(fid, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == fid) {
                return values[i].get();
            }
        }
        return null;
    }

    /** {@return whether the fid number is in use} */
    synchronized boolean contains(int fid) {
        int mask = keys.length - 1;
        for (int i = hash(fid, mask); values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == fid) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a new fid, or replaces {@code fid} when {@code replace} is set (a walk with newfid == fid),
     * putting the table's reference on the old one.
     *
     * @param f the fid, whose one reference the table takes over
     * @return 0, {@code -EMFILE} at the limit, or {@code -EBADF} if the number is taken (and not replacing)
     */
    int put(int fid, ServerFid f, boolean replace) {
        ServerFid old = null;
        synchronized (this) {
            int mask = keys.length - 1;
            int i = hash(fid, mask);
            for (; values[i] != null; i = (i + 1) & mask) {
                if (keys[i] == fid) {
                    if (!replace) {
                        return -Errno.EBADF;
                    }
                    old = values[i];
                    values[i] = f;
                    break;
                }
            }
            if (old == null) {
                if (size >= limit) {
                    return -Errno.EMFILE;
                }
                keys[i] = fid;
                values[i] = f;
                if (++size * 2 > keys.length) {
                    grow();
                }
            }
        }
        if (old != null) {
            old.put();
        }
        return 0;
    }

    /**
     * Removes a fid (Tclunk, Tremove) and hands the table's reference to the caller.
     *
     * @return the fid, whose reference the caller puts, or null
     */
    synchronized ServerFid remove(int fid) {
        int mask = keys.length - 1;
        int i = hash(fid, mask);
        for (; values[i] != null; i = (i + 1) & mask) {
            if (keys[i] == fid) {
                break;
            }
        }
        ServerFid f = values[i];
        if (f == null) {
            return null;
        }
        values[i] = null;
        size--;
        // backward shift: later entries of the run move up so no probe stops early at the hole
        int hole = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j], mask);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                values[j] = null;
                hole = j;
            }
        }
        return f;
    }

    /** {@return the number of fids} */
    synchronized int size() {
        return size;
    }

    /**
     * Empties the table (Tversion, connection close).
     *
     * @return the fids removed, whose table references the caller puts
     */
    synchronized List<ServerFid> clear() {
        List<ServerFid> all = new ArrayList<>(size);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                all.add(values[i]);
                values[i] = null;
            }
        }
        size = 0;
        return all;
    }

    private void grow() {
        int[] ok = keys;
        ServerFid[] ov = values;
        keys = new int[ok.length * 2];
        values = new ServerFid[ov.length * 2];
        int mask = keys.length - 1;
        for (int k = 0; k < ok.length; k++) {
            if (ov[k] != null) {
                int i = hash(ok[k], mask);
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = ok[k];
                values[i] = ov[k];
            }
        }
    }
}
