/**
 * A FUSE server over /dev/fuse: {@code io.jnetfs.fuse} is the API; the io_uring transport
 * ({@code io.jnetfs.fuse.uring}) stays internal. Needs native access.
 */
module io.jnetfs.fuse {
    requires transitive io.jnetfs.ffm;
    requires transitive io.jnetfs.bvecq;
    requires io.jnetfs.uring;
    exports io.jnetfs.fuse;
}
