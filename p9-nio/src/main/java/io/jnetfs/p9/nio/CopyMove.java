package io.jnetfs.p9.nio;

import io.jnetfs.ffm.Errno;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Flags;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code copy} and {@code move} between paths of this provider, with the default provider's rules
 * (REPLACE_EXISTING, COPY_ATTRIBUTES, NOFOLLOW_LINKS, ATOMIC_MOVE; a directory is copied empty; the
 * permission bits go with the data).
 *
 * <pre>
 *   move, one file system:     Trenameat (the client falls back to Twalk + Trename where the server
 *                              has no Trenameat), atomic
 *   copy, one file system:     9P2000.L has no server-side copy: the source's page-cache folios are
 *                              written into the target's page cache, one copy in this process, then
 *                              written back
 *   two file systems:          streams, then the attributes (a move deletes the source after)
 * </pre>
 * Copies to and from other providers never come here: {@link Files} does them with this provider's
 * streams and attribute views.
 */
final class CopyMove {
    private CopyMove() {
    }

    private record Flags(boolean replace, boolean copyAttributes, boolean follow, boolean atomic) {
        static Flags copy(CopyOption... options) {
            boolean replace = false;
            boolean attrs = false;
            boolean follow = true;
            for (CopyOption o : options) {
                if (o == StandardCopyOption.REPLACE_EXISTING) {
                    replace = true;
                } else if (o == StandardCopyOption.COPY_ATTRIBUTES) {
                    attrs = true;
                } else if (o == LinkOption.NOFOLLOW_LINKS) {
                    follow = false;
                } else if (o == null) {
                    throw new NullPointerException("a copy option is null");
                } else {
                    throw new UnsupportedOperationException("Unsupported copy option: " + o);
                }
            }
            return new Flags(replace, attrs, follow, false);
        }

        static Flags move(CopyOption... options) {
            boolean replace = false;
            boolean atomic = false;
            for (CopyOption o : options) {
                if (o == StandardCopyOption.ATOMIC_MOVE) {
                    atomic = true;
                } else if (o == StandardCopyOption.REPLACE_EXISTING) {
                    replace = true;
                } else if (o == LinkOption.NOFOLLOW_LINKS) {
                    // a move never follows links
                } else if (o == null) {
                    throw new NullPointerException("a copy option is null");
                } else {
                    throw new UnsupportedOperationException("Unsupported option: " + o);
                }
            }
            return new Flags(replace, true, false, atomic);
        }
    }

    /** Attributes of {@code p} without following a link at its end, or {@code null} where it is not. */
    private static P9FileAttributes statIfExists(P9Path p) throws IOException {
        try {
            return AttributeViews.stat(p, false);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Makes room for the target: nothing there, or REPLACE_EXISTING and it is deleted (an empty directory only). */
    private static boolean clearTarget(P9FileAttributes source, P9Path target, boolean replace) throws IOException {
        P9FileAttributes t = statIfExists(target);
        if (t == null) {
            return true;
        }
        if (source != null && t.fileKey().equals(source.fileKey())) {
            return false; // the same file: nothing to do
        }
        if (!replace) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Namespace.delete(target);
        return true;
    }

    static void copy(P9Path source, P9Path target, CopyOption... options) throws IOException {
        Flags f = Flags.copy(options);
        source.getFileSystem().checkOpen();
        target.getFileSystem().checkOpen();
        P9FileAttributes sa = AttributeViews.stat(source.toAbsolutePath(), f.follow);
        if (!clearTarget(sa, target.toAbsolutePath(), f.replace)) {
            return;
        }
        if (source.getFileSystem() != target.getFileSystem()) {
            copyAcross(source, sa, target, f);
            return;
        }
        int mode = sa.raw().mode() & 07777;
        if (sa.isDirectory()) {
            Namespace.createDirectory(target, PosixFilePermissions.asFileAttribute(P9FileAttributes.permissions(mode)));
        } else if (sa.isSymbolicLink()) {
            Namespace.createSymbolicLink(target, Namespace.readSymbolicLink(source));
        } else {
            copyData(source, target, mode, f.follow);
        }
        if (f.copyAttributes) {
            copyAttributes(sa, target);
        }
    }

    /** The source's folios into the target's page cache: one copy, in file order, each folio dropped once copied. */
    private static void copyData(P9Path source, P9Path target, int mode, boolean follow) throws IOException {
        Set<StandardOpenOption> read = Set.of(StandardOpenOption.READ);
        Set<? extends java.nio.file.OpenOption> in = follow ? read
                : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try (P9FileChannel src = P9FileChannel.open(source, in, NetfsFile.READ_DONTCACHE);
             P9FileChannel dst = P9FileChannel.open(target, Set.of(StandardOpenOption.WRITE,
                     StandardOpenOption.CREATE_NEW), 0,
                     PosixFilePermissions.asFileAttribute(P9FileAttributes.permissions(mode)))) {
            long[] at = {0};
            src.read(0, src.size(), (folio, offset, length) -> {
                dst.write(at[0], folio.asSlice(offset, length));
                at[0] += length;
            });
        }
    }

    /** Mode (exactly, no umask), times and, where the server lets it, the owner. */
    private static void copyAttributes(P9FileAttributes sa, P9Path target) throws IOException {
        if (sa.isSymbolicLink()) {
            return; // the default provider sets a link's times only where lutimes exists; 9P sets none
        }
        AttributeViews.setattr(target, false, P9Flags.P9_ATTR_MODE, sa.raw().mode() & 07777, 0, 0, null, null);
        try {
            AttributeViews.setattr(target, false, P9Flags.P9_ATTR_UID | P9Flags.P9_ATTR_GID, 0, sa.raw().uid(),
                    sa.raw().gid(), null, null);
        } catch (IOException e) {
            // as the default provider: an owner that cannot be given is not a failure of the copy
        }
        AttributeViews.setattr(target, false, P9Flags.P9_ATTR_MTIME | P9Flags.P9_ATTR_MTIME_SET | P9Flags.P9_ATTR_ATIME
                | P9Flags.P9_ATTR_ATIME_SET, 0, 0, 0, sa.lastAccessTime(), sa.lastModifiedTime());
    }

    /** Between two p9 file systems: through a stream, then the basic and posix attributes. */
    private static void copyAcross(P9Path source, P9FileAttributes sa, Path target, Flags f) throws IOException {
        if (sa.isDirectory()) {
            Files.createDirectory(target);
        } else if (sa.isSymbolicLink()) {
            Files.createSymbolicLink(target, target.getFileSystem().getPath(Namespace.readSymbolicLink(source).toString()));
        } else {
            try (InputStream in = f.follow ? Files.newInputStream(source)
                    : Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
                Files.copy(in, target);
            }
        }
        if (f.copyAttributes && !sa.isSymbolicLink()) {
            Files.getFileAttributeView(target, PosixFileAttributeView.class).setPermissions(sa.permissions());
            Files.getFileAttributeView(target, BasicFileAttributeView.class).setTimes(sa.lastModifiedTime(),
                    sa.lastAccessTime(), null);
        }
    }

    static void move(P9Path source, P9Path target, CopyOption... options) throws IOException {
        Flags f = Flags.move(options);
        P9FileSystem fs = source.getFileSystem();
        fs.checkOpen();
        target.getFileSystem().checkOpen();
        P9Path src = source.toAbsolutePath();
        P9Path dst = target.toAbsolutePath();
        if (target.getFileSystem() != fs) {
            if (f.atomic) {
                throw new AtomicMoveNotSupportedException(source.toString(), target.toString(),
                        "the paths are of two p9 file systems");
            }
            P9FileAttributes sa = AttributeViews.stat(src, false);
            if (!clearTarget(sa, dst, f.replace)) {
                return;
            }
            copyAcross(src, sa, dst, f);
            Namespace.delete(src);
            return;
        }
        if (!f.atomic) {
            P9FileAttributes sa = AttributeViews.stat(src, false);
            if (!clearTarget(sa, dst, f.replace)) {
                return;
            }
        }
        rename(src, dst);
    }

    /** Trenameat of the last names in their parents. */
    private static void rename(P9Path src, P9Path dst) throws IOException {
        P9FileSystem fs = src.getFileSystem();
        String[] a = src.names();
        String[] b = dst.names();
        if (a.length == 0 || b.length == 0) {
            throw FsErrors.of(Errno.EBUSY, src, dst, null, null);
        }
        try (Fid from = fs.walker().walkParent(src); Fid to = fs.walker().walkParent(dst)) {
            fs.client().renameat(from, a[a.length - 1], to, b[b.length - 1]);
        } catch (IOException e) {
            throw FsErrors.translate(e, src, dst);
        }
    }
}
