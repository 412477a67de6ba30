/**
 * The {@code p9://} {@link java.nio.file.spi.FileSystemProvider} and its zero-copy extension, found by the
 * {@link java.util.ServiceLoader} on the module path as on the class path.
 */
module io.jnetfs.p9.nio {
    requires transitive io.jnetfs.p9.netfs;
    requires transitive io.jnetfs.netfs;
    requires transitive io.jnetfs.p9;
    exports io.jnetfs.p9.nio;
    provides java.nio.file.spi.FileSystemProvider with io.jnetfs.p9.nio.P9FileSystemProvider;
}
