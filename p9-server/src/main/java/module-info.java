/** The zero-copy 9P2000.L server ({@code jnetfs serve}). Needs native access. */
module io.jnetfs.p9.server {
    requires transitive io.jnetfs.ffm;
    requires transitive io.jnetfs.bvecq;
    requires transitive io.jnetfs.p9;
    requires io.jnetfs.uring;
    exports io.jnetfs.p9.server;
}
