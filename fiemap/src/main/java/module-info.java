/** A file's extents (FIEMAP, SEEK_DATA/SEEK_HOLE) and its stat/statfs facts. */
module io.jnetfs.fiemap {
    requires transitive io.jnetfs.ffm;
    exports io.jnetfs.fiemap;
}
