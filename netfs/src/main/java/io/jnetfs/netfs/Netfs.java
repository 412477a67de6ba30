package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The engine's shared state for one client: the folio pool, the page cache, the counters, a pool of
 * iterators for subrequests, a background executor for disk-cache writes, and the tunables. Files are
 * opened against it with {@link #open}.
 *
 * <p>Ownership: whoever makes a {@code Netfs} closes it, after closing its files; closing frees the
 * pool (and so every folio).
 */
public final class Netfs implements AutoCloseable {
    /** Tunables. */
    public record Config(long poolBytes, long pageCacheBytes, int folioSize, long readaheadInitial,
                         long readaheadMax, int maxRetries, long timeoutNanos) {
        /** Checks the values. */
        public Config {
            if (pageCacheBytes <= 0 || pageCacheBytes > poolBytes) {
                throw new IllegalArgumentException("invalid pageCacheBytes=" + pageCacheBytes + " for poolBytes=" + poolBytes);
            }
            FolioPool.orderFor(folioSize);
            if (readaheadInitial < folioSize || readaheadMax < readaheadInitial) {
                throw new IllegalArgumentException("invalid readahead initial=" + readaheadInitial + ", max=" + readaheadMax);
            }
            if (maxRetries < 0 || timeoutNanos <= 0) {
                throw new IllegalArgumentException("invalid maxRetries=" + maxRetries + ", timeoutNanos=" + timeoutNanos);
            }
        }

        /** @return defaults: 1 GiB pool, 512 MiB page cache, 256 KiB folios, readahead 1 MiB growing to 16 MiB */
        public static Config defaults() {
            return new Config(1L << 30, 512L << 20, 256 << 10, 1L << 20, 16L << 20, 3, TimeUnit.SECONDS.toNanos(60));
        }

        /** @return a copy with another page-cache budget and pool size */
        public Config withMemory(long poolBytes, long pageCacheBytes) {
            return new Config(poolBytes, pageCacheBytes, folioSize, readaheadInitial, readaheadMax, maxRetries, timeoutNanos);
        }

        /** @return a copy with another folio size */
        public Config withFolioSize(int folioSize) {
            return new Config(poolBytes, pageCacheBytes, folioSize, Math.max(readaheadInitial, folioSize),
                    Math.max(readaheadMax, folioSize), maxRetries, timeoutNanos);
        }

        /** @return a copy with another readahead window */
        public Config withReadahead(long initial, long max) {
            return new Config(poolBytes, pageCacheBytes, folioSize, initial, max, maxRetries, timeoutNanos);
        }

        /** @return a copy with another timeout */
        public Config withTimeout(long timeout, TimeUnit unit) {
            return new Config(poolBytes, pageCacheBytes, folioSize, readaheadInitial, readaheadMax, maxRetries,
                    unit.toNanos(timeout));
        }
    }

    final Config config;
    final FolioPool pool;
    private final boolean ownsPool;
    final FolioCache pageCache;
    final NetfsStats stats = new NetfsStats();
    private final ConcurrentLinkedQueue<BvecqIter> iters = new ConcurrentLinkedQueue<>();
    final ExecutorService cacheWriter;
    private volatile boolean closed;

    /**
     * @param config the tunables
     */
    public Netfs(Config config) {
        this(config, new FolioPool((config.poolBytes() + FolioPool.MAX_FOLIO - 1) / FolioPool.MAX_FOLIO
                * FolioPool.MAX_FOLIO), true);
    }

    /**
     * An engine whose page cache takes its memory from a pool the caller owns and may share (with the
     * 9P client's receive buffers, with other engines): one process-wide pool stays warm, where a pool
     * per engine maps and faults in fresh memory. {@link #close()} returns the page cache's folios to
     * the pool and leaves the pool open; {@code config.poolBytes()} is not used.
     *
     * @param config the tunables; its page-cache budget must fit in the pool
     * @param pool the pool, which the caller closes after this engine
     */
    public Netfs(Config config, FolioPool pool) {
        this(config, pool, false);
        if (config.pageCacheBytes() > pool.maxBytes()) {
            throw new IllegalArgumentException("invalid pageCacheBytes=" + config.pageCacheBytes()
                    + " for a pool of maxBytes=" + pool.maxBytes());
        }
    }

    private Netfs(Config config, FolioPool pool, boolean ownsPool) {
        this.config = config;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.pageCache = new FolioCache(pool, config.pageCacheBytes());
        this.cacheWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netfs-cache-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the tunables */
    public Config config() {
        return config;
    }

    /** @return the counters */
    public NetfsStats stats() {
        return stats;
    }

    /** @return the page cache */
    public FolioCache pageCache() {
        return pageCache;
    }

    /** @return the folio pool */
    public FolioPool pool() {
        return pool;
    }

    /**
     * Opens a file for the engine.
     *
     * @param ops the filesystem's operations for this file
     * @param remoteSize the file's size on the server
     * @param cache the file's disk cache, or {@code null}
     * @return the open file; the caller closes it
     */
    public NetfsFile open(NetfsRequestOps ops, long remoteSize, NetfsCache cache) {
        if (closed) {
            throw new IllegalStateException("netfs is closed");
        }
        return new NetfsFile(new NetfsInode(this, ops, remoteSize, cache));
    }

    BvecqIter takeIter() {
        BvecqIter it = iters.poll();
        return it != null ? it : new BvecqIter();
    }

    void returnIter(BvecqIter it) {
        if (it != null) {
            if (closed) {
                it.close();
            } else {
                iters.offer(it);
            }
        }
    }

    /**
     * Stops the cache writer (after its queued writes) and frees the pool, or, on a caller's pool,
     * returns the page cache's folios to it. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cacheWriter.shutdown();
        try {
            cacheWriter.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BvecqIter it;
        while ((it = iters.poll()) != null) {
            it.close();
        }
        if (ownsPool) {
            pool.close();
        } else {
            pageCache.dropAll();
        }
    }
}
