package io.jnetfs.p9.nio;

import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.Qid;
import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.FileAttribute;

/**
 * The operations on names, one 9P request each after the walk to the parent (the kernel's
 * {@code fs/9p/vfs_inode_dotl.c} does the same): Tmkdir, Tunlinkat, Tsymlink, Treadlink, Tlink, and
 * the checks {@code checkAccess} and {@code isSameFile}. Every fid walked here is clunked before the
 * method returns.
 */
final class Namespace {
    private Namespace() {
    }

    /** {@return the last name of a path that has one, else the error the default provider gives for "/"} */
    private static String lastName(P9Path abs, int errnoForRoot) throws IOException {
        String[] names = abs.names();
        if (names.length == 0) {
            throw FsErrors.of(errnoForRoot, abs, null, null, null);
        }
        return names[names.length - 1];
    }

    /** Tmkdir with {@code 0777} (or the permissions attribute) less the umask. */
    static void createDirectory(P9Path dir, FileAttribute<?>... attrs) throws IOException {
        P9FileSystem fs = dir.getFileSystem();
        fs.checkOpen();
        int mode = Options.mode(0777, attrs);
        P9Path abs = dir.toAbsolutePath();
        String name = lastName(abs, Errno.EEXIST);
        try (Fid parent = fs.walker().walkParent(abs)) {
            fs.client().mkdir(parent, name, mode);
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
    }

    /**
     * Tunlinkat of a file, or (where the server says it is a directory, EISDIR) of an empty directory:
     * one request for a file, two for a directory.
     */
    static void delete(P9Path path) throws IOException {
        P9FileSystem fs = path.getFileSystem();
        fs.checkOpen();
        P9Path abs = path.toAbsolutePath();
        String name = lastName(abs, Errno.EBUSY);
        P9Client c = fs.client();
        try (Fid parent = fs.walker().walkParent(abs)) {
            try {
                c.unlinkat(parent, name, 0);
            } catch (IOException e) {
                if (FsErrors.errno(e) != Errno.EISDIR) {
                    throw e;
                }
                c.unlinkat(parent, name, P9Flags.P9_DOTL_AT_REMOVEDIR);
            }
        } catch (IOException e) {
            int errno = FsErrors.errno(e);
            if (errno == Errno.EEXIST || errno == Errno.ENOTEMPTY) { // rmdir(2) says either
                throw FsErrors.of(Errno.ENOTEMPTY, abs, null, null, e);
            }
            throw FsErrors.translate(e, abs, null);
        }
    }

    /** Tsymlink: {@code link} pointing at {@code target}'s string, as it is. */
    static void createSymbolicLink(P9Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        if (!(target instanceof P9Path)) {
            throw new ProviderMismatchException("a link target of another provider: " + target);
        }
        if (attrs.length > 0) {
            throw new UnsupportedOperationException("Initial file attributes not supported when creating symbolic link");
        }
        P9FileSystem fs = link.getFileSystem();
        fs.checkOpen();
        P9Path abs = link.toAbsolutePath();
        String name = lastName(abs, Errno.EEXIST);
        try (Fid parent = fs.walker().walkParent(abs)) {
            fs.client().symlink(parent, name, target.toString());
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
    }

    /** Tlink: a new name {@code link} for the file {@code existing} names (a link there is not followed). */
    static void createLink(P9Path link, P9Path existing) throws IOException {
        P9FileSystem fs = link.getFileSystem();
        fs.checkOpen();
        if (existing.getFileSystem() != fs) {
            throw FsErrors.of(Errno.EXDEV, link, existing, null, null);
        }
        P9Path abs = link.toAbsolutePath();
        String name = lastName(abs, Errno.EEXIST);
        try (Fid target = fs.walker().walk(existing.toAbsolutePath(), false);
             Fid parent = fs.walker().walkParent(abs)) {
            fs.client().link(parent, target, name);
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, existing);
        }
    }

    /** Treadlink. */
    static P9Path readSymbolicLink(P9Path link) throws IOException {
        P9FileSystem fs = link.getFileSystem();
        fs.checkOpen();
        P9Path abs = link.toAbsolutePath();
        try (Fid f = fs.walker().walk(abs, false)) {
            if (f.qid() == null || !f.qid().isSymlink()) {
                throw new NotLinkException(link.toString());
            }
            return new P9Path(fs, fs.client().readlink(f));
        } catch (NotLinkException e) {
            throw e;
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
    }

    /**
     * Whether the file exists and may be read, written or executed. Read and write access to a regular
     * file is asked of the server itself (a Tlopen of a clone, read-only or write-only, clunked at once:
     * the server decides as it would for a real open, whoever it runs as); anything else is judged from
     * the mode bits against the identity attached as ({@code nUname}, or this process where the uname
     * is this process's user; root may do anything but execute a file with no execute bit).
     */
    static void checkAccess(P9Path path, AccessMode... modes) throws IOException {
        P9FileSystem fs = path.getFileSystem();
        fs.checkOpen();
        P9Path abs = path.toAbsolutePath();
        P9Client c = fs.client();
        try (Fid f = fs.walker().walk(abs, true)) {
            if (modes.length == 0) {
                return; // existence: the walk was enough
            }
            P9Attr a = c.getattr(f, P9Flags.P9_GETATTR_BASIC);
            for (AccessMode m : modes) {
                boolean regular = a.isRegularFile();
                if (regular && (m == AccessMode.READ || m == AccessMode.WRITE)) {
                    try (Fid probe = c.walk(f)) {
                        c.lopen(probe, m == AccessMode.READ ? P9Flags.P9_DOTL_RDONLY : P9Flags.P9_DOTL_WRONLY);
                    }
                } else if (!permits(fs.env(), a, m)) {
                    throw FsErrors.of(Errno.EACCES, abs, null, null, null);
                }
            }
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
    }

    /** The kernel's {@code generic_permission} on the mode bits, for the identity attached as. */
    private static boolean permits(P9Environment env, P9Attr a, AccessMode m) {
        LocalIdentity self = LocalIdentity.SELF;
        int uid;
        boolean local;
        if (env.nUname() != io.jnetfs.p9.P9Descriptor.NONUNAME) {
            uid = env.nUname();
            local = uid == self.uid();
        } else {
            local = env.uname().equals(System.getProperty("user.name"));
            uid = local ? self.uid() : -1;
        }
        int mode = a.mode();
        if (uid == 0) {
            return m != AccessMode.EXECUTE || a.isDirectory() || (mode & 0111) != 0;
        }
        int bit = switch (m) {
            case READ -> 4;
            case WRITE -> 2;
            case EXECUTE -> 1;
        };
        if (uid >= 0 && a.uid() == uid) {
            return (mode & (bit << 6)) != 0;
        }
        boolean inGroup = local ? self.groups().contains(a.gid()) : a.gid() == env.gid();
        if (inGroup) {
            return (mode & (bit << 3)) != 0;
        }
        return (mode & bit) != 0;
    }

    /** Whether both paths name one file: the same qid.path, links followed. */
    static boolean isSameFile(P9Path a, Path other) throws IOException {
        if (a.equals(other)) {
            return true;
        }
        if (!(other instanceof P9Path b) || b.getFileSystem() != a.getFileSystem()) {
            return false;
        }
        a.getFileSystem().checkOpen();
        return qid(a).path() == qid(b).path();
    }

    private static Qid qid(P9Path p) throws IOException {
        try (Fid f = p.getFileSystem().walker().walk(p.toAbsolutePath(), true)) {
            return f.qid();
        }
    }

    /** Whether the name starts with a dot, as on any Unix file system. */
    static boolean isHidden(P9Path path) {
        P9Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
