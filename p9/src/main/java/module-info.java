/** The 9P2000.L client and its transports. Needs native access. */
module io.jnetfs.p9 {
    requires transitive io.jnetfs.ffm;
    requires transitive io.jnetfs.bvecq;
    requires transitive io.jnetfs.uring;
    exports io.jnetfs.p9;
}
