package io.jnetfs.cli;

import io.jnetfs.netfs.cachefiles.CacheFiles;
import java.time.Duration;

/**
 * The engine's memory and cache settings of one command, resolved from its options ({@link CommonOptions}).
 *
 * @param pageCacheBytes the page cache's budget ({@code --page-cache}); the folio pool may hold twice it
 * @param attrTimeout how long an open file trusts the server's attributes ({@code --attr-timeout})
 * @param cacheLimits the disk cache's size limit and free-space thresholds ({@code --cache-size},
 *     {@code --cache-cull})
 */
public record EngineSettings(long pageCacheBytes, Duration attrTimeout, CacheFiles.Limits cacheLimits) {
    /** The page cache's default budget: 256 MiB. */
    public static final long DEFAULT_PAGE_CACHE = 256L << 20;
    /** The defaults: a 256 MiB page cache, attributes trusted 3 s, cachefilesd's thresholds, no size limit. */
    public static final EngineSettings DEFAULT = new EngineSettings(DEFAULT_PAGE_CACHE,
            io.jnetfs.p9.netfs.P9Netfs.DEFAULT_ATTR_TIMEOUT, CacheFiles.Limits.DEFAULT);

    /** {@return the folio pool's size: twice the page cache (readers' and the disk cache's in-flight memory), in 2 MiB slabs} */
    public long poolBytes() {
        long twice = 2 * pageCacheBytes;
        return Math.max(4L << 20, (twice + (2 << 20) - 1) / (2 << 20) * (2 << 20));
    }
}
