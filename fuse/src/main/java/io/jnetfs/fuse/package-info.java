/**
 * The kernel's FUSE protocol on {@code /dev/fuse}, spoken through FFM without libfuse: a filesystem
 * written in Java becomes a mount every program can use.
 *
 * <ul>
 *   <li>{@link io.jnetfs.fuse.FuseFilesystem}: the operations a filesystem implements, one per opcode,
 *       answering {@code -errno} or filling out-parameters: {@link io.jnetfs.fuse.FuseEntry},
 *       {@link io.jnetfs.fuse.FuseAttr}, {@link io.jnetfs.fuse.FuseOpen}, {@link io.jnetfs.fuse.FuseStatfs},
 *       {@link io.jnetfs.fuse.FuseDataReply} (READ data, zero copy from folios),
 *       {@link io.jnetfs.fuse.FuseDirFiller} (READDIR/READDIRPLUS); in-parameters
 *       {@link io.jnetfs.fuse.FuseRequest} (caller, interrupts) and {@link io.jnetfs.fuse.FuseSetattr}.</li>
 *   <li>{@code FuseSession}: mounts ({@code mount(2)} as root, {@code fusermount3}
 *       otherwise), negotiates INIT ({@link io.jnetfs.fuse.FuseConnInfo}), runs the worker threads and
 *       unmounts; configured by {@link io.jnetfs.fuse.FuseOptions}.</li>
 *   <li>{@link io.jnetfs.fuse.FuseOpcode}: the opcodes by their kernel names.</li>
 * </ul>
 */
package io.jnetfs.fuse;
