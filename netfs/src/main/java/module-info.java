/** The netfs engine (page cache, readahead, writeback) and its disk cache ({@code io.jnetfs.netfs.cachefiles}). */
module io.jnetfs.netfs {
    requires transitive io.jnetfs.ffm;
    requires transitive io.jnetfs.bvecq;
    requires transitive io.jnetfs.fiemap;
    requires io.jnetfs.uring;
    requires jdk.jfr;
    requires java.logging;
    exports io.jnetfs.netfs;
    exports io.jnetfs.netfs.cachefiles;
}
