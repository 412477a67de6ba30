package io.jnetfs.netfs.cachefiles;

/**
 * What the server says about a file's version: a cache file made under another coherency record holds
 * stale data and is emptied when opened.
 *
 * @param version the server's version of the file (9P: qid.version)
 * @param mtimeNanos the modification time in nanoseconds
 * @param size the size in bytes
 */
public record Coherency(long version, long mtimeNanos, long size) {
    String encode() {
        return "version=" + version + "\nmtime=" + mtimeNanos + "\nsize=" + size + "\n";
    }
}
