package io.jnetfs.p9.server;

/**
 * The operations an export fills in, one per 9P2000.L request (as a file system fills in the kernel's
 * {@code struct netfs_request_ops}): {@link DirExport} serves a real directory, {@link CtlExport} the
 * synthetic {@code ctl} files.
 *
 * <p>The {@link ServerDispatcher} has already decoded and checked the request: names are in
 * {@link Scratch#name} (and {@link Scratch#name2}) as C strings with their lengths, every fid is
 * looked up and referenced. An operation encodes its reply into the request's buffer and returns the
 * reply's size, or returns {@code -errno}; operations that make a fid return it (holding one
 * reference, which the caller takes over) or null with the errno in {@link Scratch#errno}.
 */
interface ExportOps {
    /** Tattach: the export's root. */
    ServerFid attach(Scratch s);

    /** Twalk with no names: a second fid for the same file. */
    ServerFid clone(Scratch s, ServerFid f);

    /**
     * One Twalk step from directory {@code from} to the name in {@link Scratch#name} ("." and ".."
     * included); the new fid's qid type and path are those of the Rwalk qid, its version
     * {@link Scratch#qidVersion}.
     */
    ServerFid walk(Scratch s, ServerFid from, int nameLen);

    /** Tlopen: opens {@code f}; the reply is Rlopen. */
    int lopen(Scratch s, ServerFid f, int p9flags, ServerRequest r);

    /** Tlcreate: creates and opens the name in directory {@code dir}; the result replaces the fid. */
    ServerFid lcreate(Scratch s, ServerFid dir, int nameLen, int p9flags, int mode, int gid);

    /**
     * Tread: up to {@code count} bytes at {@code offset}, into {@code r}'s data buffer or from memory
     * of the export's own ({@link Scratch#readChain}).
     *
     * @return bytes read (0 at end of file), or {@code -errno}
     */
    long read(Scratch s, ServerFid f, long offset, int count, ServerRequest r);

    /**
     * Twrite: {@code count} bytes of {@code r}'s data buffer at {@code offset}.
     *
     * @return bytes written, or {@code -errno}
     */
    long write(Scratch s, ServerFid f, long offset, int count, ServerRequest r);

    /** Tgetattr: the reply is Rgetattr. */
    int getattr(Scratch s, ServerFid f, long mask, ServerRequest r);

    /** Tsetattr. @return 0 or {@code -errno} */
    int setattr(Scratch s, ServerFid f, int valid, int mode, int uid, int gid, long size, long atimeSec,
                long atimeNsec, long mtimeSec, long mtimeNsec);

    /**
     * Treaddir: the Rreaddir (header and entries) is encoded into {@code r}'s data buffer.
     *
     * @return the Rreaddir's size, or {@code -errno}
     */
    int readdir(Scratch s, ServerFid f, long offset, int count, ServerRequest r);

    /** Tfsync. @return 0 or {@code -errno} */
    int fsync(Scratch s, ServerFid f, boolean datasync);

    /** Tstatfs: the reply is Rstatfs. */
    int statfs(Scratch s, ServerFid f, ServerRequest r);

    /** Tmkdir of the name in {@link Scratch#name}: the reply is Rmkdir. */
    int mkdir(Scratch s, ServerFid dir, int nameLen, int mode, int gid, ServerRequest r);

    /** Tunlinkat of the name in {@link Scratch#name}. @return 0 or {@code -errno} */
    int unlinkat(Scratch s, ServerFid dir, int nameLen, int flags);

    /** Trenameat from {@link Scratch#name} in {@code oldDir} to {@link Scratch#name2} in {@code newDir}. */
    int renameat(Scratch s, ServerFid oldDir, ServerFid newDir);

    /** Trename of {@code f} to the name in {@link Scratch#name} in {@code dir}. */
    int rename(Scratch s, ServerFid f, ServerFid dir);

    /** Tsymlink: the name in {@link Scratch#name}, the target in {@link Scratch#name2}; the reply is Rsymlink. */
    int symlink(Scratch s, ServerFid dir, int nameLen, int gid, ServerRequest r);

    /** Treadlink: the reply is Rreadlink. */
    int readlink(Scratch s, ServerFid f, ServerRequest r);

    /** Tlink: a new name (in {@link Scratch#name}) in {@code dir} for {@code f}. */
    int link(Scratch s, ServerFid dir, ServerFid f);

    /** Tremove: removes {@code f}'s file (the dispatcher clunks the fid whatever the result). */
    int remove(Scratch s, ServerFid f);
}
