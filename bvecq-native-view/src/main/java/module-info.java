/** Chains of native buffers ({@code struct iovec} arrays) shared with the kernel. Needs native access. */
module io.jnetfs.bvecq {
    requires transitive io.jnetfs.ffm;
    requires jdk.jfr;
    exports io.jnetfs.bvecq;
}
