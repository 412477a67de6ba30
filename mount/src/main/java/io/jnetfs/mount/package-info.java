/**
 * {@code jnetfs mount}: a 9P2000.L export as a FUSE filesystem on the netfs engine, so every program
 * ({@code ls}, {@code cp}, {@code tar}, {@code git}, compilers, {@code fio}) uses it.
 *
 * <p>{@link io.jnetfs.mount.P9FuseFilesystem} fills in the FUSE operations
 * ({@link io.jnetfs.fuse.FuseFilesystem}); {@link io.jnetfs.mount.MountSettings} says how it caches.
 * Inside: {@code NodeTable} and {@code Node} (FUSE nodeids as walked 9P fids, counted by the kernel's
 * lookups), {@code OpenInode} (one open fid, page cache and disk cache file per node, shared by its
 * handles), {@code Handles} (open files and directories), {@code Errnos} (what a failure is worth to
 * the kernel).
 */
package io.jnetfs.mount;
