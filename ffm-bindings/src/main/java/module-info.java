/**
 * The gateway to the kernel: {@code io.jnetfs.ffm} ({@code Native}, {@code PathCalls}, errno handling) is
 * the API; the jextract output {@code io.jnetfs.ffm.gen} is exported only to the modules that declare a
 * use of it ({@code <jnetfs.ffm.gen>} in their pom, checked by {@code .ci/check-gen-uses}). Needs native
 * access ({@code --enable-native-access=io.jnetfs.ffm}).
 */
module io.jnetfs.ffm {
    exports io.jnetfs.ffm;
    exports io.jnetfs.ffm.gen to
        io.jnetfs.bvecq,
        io.jnetfs.fiemap,
        io.jnetfs.uring,
        io.jnetfs.fuse,
        io.jnetfs.netfs,
        io.jnetfs.p9,
        io.jnetfs.p9.server;
}
