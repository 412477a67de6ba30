package io.jnetfs.p9;

/**
 * The reply to Tstatfs: the server file system's {@code struct statfs}.
 *
 * @param type the file system type magic
 * @param bsize the block size
 * @param blocks total blocks
 * @param bfree free blocks
 * @param bavail blocks available to unprivileged users
 * @param files total inodes
 * @param ffree free inodes
 * @param fsid the file system id
 * @param namelen the longest name
 */
public record P9StatFs(int type, int bsize, long blocks, long bfree, long bavail, long files, long ffree, long fsid,
                       int namelen) {
}
