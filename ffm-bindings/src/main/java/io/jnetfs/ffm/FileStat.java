package io.jnetfs.ffm;

/**
 * What {@code stat(2)} says about a file, in Java types: {@link PathCalls#stat} and {@link PathCalls#lstat}
 * fill it from {@code struct stat}, so a caller reads a file's attributes without touching the generated
 * struct. Times are nanoseconds since the epoch ({@code tv_sec * 1e9 + tv_nsec}).
 *
 * @param mode {@code st_mode}: the file type ({@code S_IFMT} bits) and the permission bits
 * @param size {@code st_size}, in bytes
 * @param blocks {@code st_blocks}: 512-byte units allocated
 * @param blksize {@code st_blksize}: the preferred I/O size
 * @param nlink {@code st_nlink}
 * @param uid {@code st_uid}
 * @param gid {@code st_gid}
 * @param ino {@code st_ino}
 * @param atimeNanos {@code st_atim}
 * @param mtimeNanos {@code st_mtim}
 * @param ctimeNanos {@code st_ctim}
 */
public record FileStat(int mode, long size, long blocks, long blksize, long nlink, int uid, int gid, long ino,
                       long atimeNanos, long mtimeNanos, long ctimeNanos) {
    /** {@return the bytes allocated on disk: {@code st_blocks * 512}} */
    public long allocatedBytes() {
        return blocks * 512;
    }
}
