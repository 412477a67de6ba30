package io.jnetfs.netfs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the engine, readable by the CLI: bytes by source, RPCs, subrequests, retries.
 * Thread-safe; cheap to update from any thread.
 */
public final class NetfsStats {
    final LongAdder bytesFromServer = new LongAdder();
    final LongAdder bytesFromCache = new LongAdder();
    final LongAdder bytesZeroFill = new LongAdder();
    final LongAdder bytesToServer = new LongAdder();
    final LongAdder bytesToCache = new LongAdder();
    final LongAdder readRpcs = new LongAdder();
    final LongAdder writeRpcs = new LongAdder();
    final LongAdder cacheReads = new LongAdder();
    final LongAdder cacheWrites = new LongAdder();
    final LongAdder subrequests = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder failedRequests = new LongAdder();
    final LongAdder cacheDisabled = new LongAdder();
    final LongAdder pageCacheHits = new LongAdder();
    final LongAdder gapReads = new LongAdder();

    void subreqTerminated(NetfsIoSubrequest s, long result) {
        switch (s.source) {
            case NETFS_DOWNLOAD_FROM_SERVER -> {
                readRpcs.increment();
                if (result > 0) {
                    bytesFromServer.add(result);
                }
            }
            case NETFS_READ_FROM_CACHE -> {
                cacheReads.increment();
                if (result > 0) {
                    bytesFromCache.add(result);
                }
            }
            case NETFS_FILL_WITH_ZEROES -> {
                if (result > 0) {
                    bytesZeroFill.add(result);
                }
            }
            case NETFS_UPLOAD_TO_SERVER -> {
                writeRpcs.increment();
                if (result > 0) {
                    bytesToServer.add(result);
                }
            }
            case NETFS_WRITE_TO_CACHE -> {
                cacheWrites.increment();
                if (result > 0) {
                    bytesToCache.add(result);
                }
            }
            default -> {
            }
        }
    }

    /** @return bytes read from the server */
    public long bytesFromServer() {
        return bytesFromServer.sum();
    }

    /** @return bytes read from the disk cache */
    public long bytesFromCache() {
        return bytesFromCache.sum();
    }

    /** @return bytes filled with zeroes past the zero point */
    public long bytesZeroFill() {
        return bytesZeroFill.sum();
    }

    /** @return bytes written to the server */
    public long bytesToServer() {
        return bytesToServer.sum();
    }

    /** @return bytes written to the disk cache */
    public long bytesToCache() {
        return bytesToCache.sum();
    }

    /** @return read subrequests issued to the server (one RPC each) */
    public long readRpcs() {
        return readRpcs.sum();
    }

    /** @return write subrequests issued to the server */
    public long writeRpcs() {
        return writeRpcs.sum();
    }

    /** @return subrequests made */
    public long subrequests() {
        return subrequests.sum();
    }

    /** @return subrequests issued again */
    public long retries() {
        return retries.sum();
    }

    /** @return requests made */
    public long requests() {
        return requests.sum();
    }

    /** @return requests that failed */
    public long failedRequests() {
        return failedRequests.sum();
    }

    /** @return reads answered from the page cache without a request */
    public long pageCacheHits() {
        return pageCacheHits.sum();
    }

    /** @return folios of streaming writes whose unwritten parts a read fetched (netfs_read_gaps) */
    public long gapReads() {
        return gapReads.sum();
    }

    /** @return every counter by name, in a stable order */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("bytes_from_server", bytesFromServer());
        m.put("bytes_from_cache", bytesFromCache());
        m.put("bytes_zero_fill", bytesZeroFill());
        m.put("bytes_to_server", bytesToServer());
        m.put("bytes_to_cache", bytesToCache());
        m.put("read_rpcs", readRpcs());
        m.put("write_rpcs", writeRpcs());
        m.put("cache_reads", cacheReads.sum());
        m.put("cache_writes", cacheWrites.sum());
        m.put("requests", requests());
        m.put("subrequests", subrequests());
        m.put("retries", retries());
        m.put("failed_requests", failedRequests());
        m.put("cache_disabled", cacheDisabled.sum());
        m.put("page_cache_hits", pageCacheHits());
        m.put("gap_reads", gapReads());
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
