/** Mounting a 9P export locally through FUSE and the netfs engine. */
module io.jnetfs.mount {
    requires transitive io.jnetfs.fuse;
    requires transitive io.jnetfs.netfs;
    requires transitive io.jnetfs.p9.netfs;
    exports io.jnetfs.mount;
}
