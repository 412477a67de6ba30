/** The netfs engine's request ops filled in by 9P ({@code P9Netfs}). */
module io.jnetfs.p9.netfs {
    requires transitive io.jnetfs.netfs;
    requires transitive io.jnetfs.p9;
    exports io.jnetfs.p9.netfs;
}
