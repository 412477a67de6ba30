/** io_uring rings over the FFM API. Needs native access. */
module io.jnetfs.uring {
    requires transitive io.jnetfs.ffm;
    requires transitive io.jnetfs.bvecq;
    exports io.jnetfs.uring;
}
