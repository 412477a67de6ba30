package io.jnetfs.cli;

import io.jnetfs.p9.Dirent;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.netfs.P9File;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The remote side: a 9P2000.L export. Metadata goes straight to the {@link P9Client} (Twalk, Tgetattr,
 * Treaddir, Tmkdir, Tunlinkat, Trenameat, Tsymlink, Tsetattr); file data goes through the netfs engine
 * and its disk cache ({@link io.jnetfs.p9.netfs.P9Netfs}). Every fid walked here is clunked before the
 * method returns.
 */
final class RemoteFilesystem implements Filesystem {
    /** This process's umask, from {@code /proc/self/status} (022 where it cannot be read). */
    static final int UMASK = umask();

    private final RemoteSession session;
    private final P9Client client;

    RemoteFilesystem(RemoteSession session) {
        this.session = session;
        this.client = session.client();
    }

    /** {@return the session this side works through} */
    RemoteSession session() {
        return session;
    }

    @Override
    public String display(String path) {
        return session.server() + "/" + path;
    }

    @Override
    public FileInfo stat(String path) throws IOException {
        try (Fid f = client.walk(path)) {
            P9Attr a = client.getattr(f, P9Flags.P9_GETATTR_BASIC);
            String target = a.isSymlink() ? client.readlink(f) : null;
            return new FileInfo(name(path), a.mode(), a.size(), a.blocks(), a.blksize(), a.nlink(), a.uid(), a.gid(),
                    a.qid().path(), a.atimeSec() * 1_000_000_000L + a.atimeNsec(),
                    a.mtimeSec() * 1_000_000_000L + a.mtimeNsec(), a.ctimeSec() * 1_000_000_000L + a.ctimeNsec(),
                    target);
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
    }

    @Override
    public List<String> list(String dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Fid d = client.walk(dir)) {
            for (Dirent e : client.readdir(d)) {
                if (!e.name().equals(".") && !e.name().equals("..")) {
                    names.add(e.name());
                }
            }
        } catch (IOException e) {
            throw CommandFailure.of(display(dir), e);
        }
        names.sort(null);
        return names;
    }

    /**
     * Tmkdir with {@code mode & ~umask}: the server applies its own umask, not ours, so this process's
     * umask is applied here, as the kernel applies it to a local mkdir.
     */
    @Override
    public void mkdir(String path, int mode) throws IOException {
        try (Fid d = client.walk(parent(path))) {
            client.mkdir(d, name(path), mode & ~UMASK);
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
    }

    @Override
    public void remove(String path, boolean directory) throws IOException {
        if (path.isEmpty()) {
            throw CommandFailure.errno(display(path), io.jnetfs.ffm.Errno.EBUSY, "the export's root");
        }
        try (Fid d = client.walk(parent(path))) {
            client.unlinkat(d, name(path), directory ? P9Flags.P9_DOTL_AT_REMOVEDIR : 0);
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        try (Fid a = client.walk(parent(from)); Fid b = client.walk(parent(to))) {
            client.renameat(a, name(from), b, name(to));
        } catch (IOException e) {
            throw CommandFailure.of(display(from), e);
        }
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        try (Fid d = client.walk(parent(path))) {
            client.symlink(d, name(path), target);
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
    }

    @Override
    public Reader openRead(String path) throws IOException {
        P9File f;
        try {
            f = session.fs().open(path, false);
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
        return new Reader() {
            @Override
            public long size() {
                return f.size();
            }

            @Override
            public long read(long pos, MemorySegment dst) throws IOException {
                try {
                    return f.read(pos, dst);
                } catch (IOException e) {
                    throw CommandFailure.of(display(path), e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    f.close();
                } catch (IOException e) {
                    throw CommandFailure.of(display(path), e);
                }
            }
        };
    }

    @Override
    public Writer create(String path, int mode) throws IOException {
        P9File f;
        try {
            f = session.fs().create(path, mode);
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
        return new Writer() {
            @Override
            public void write(long pos, MemorySegment src) throws IOException {
                try {
                    f.write(pos, src);
                } catch (IOException e) {
                    throw CommandFailure.of(display(path), e);
                }
            }

            @Override
            public void commit() throws IOException {
                try {
                    f.fsync();
                    f.close();
                } catch (IOException e) {
                    throw CommandFailure.of(display(path), e);
                }
            }

            @Override
            public void close() {
                try {
                    f.close();
                } catch (IOException | RuntimeException e) {
                    // an abandoned write: its data is dropped with the partial file
                }
            }
        };
    }

    @Override
    public void setModeAndTimes(String path, int mode, long atimeNanos, long mtimeNanos) throws IOException {
        int valid = P9Flags.P9_ATTR_MODE | P9Flags.P9_ATTR_ATIME | P9Flags.P9_ATTR_ATIME_SET | P9Flags.P9_ATTR_MTIME
                | P9Flags.P9_ATTR_MTIME_SET;
        try (Fid f = client.walk(path)) {
            client.setattr(f, valid, mode & 07777, 0, 0, 0, Math.floorDiv(atimeNanos, 1_000_000_000L),
                    Math.floorMod(atimeNanos, 1_000_000_000L), Math.floorDiv(mtimeNanos, 1_000_000_000L),
                    Math.floorMod(mtimeNanos, 1_000_000_000L));
        } catch (IOException e) {
            throw CommandFailure.of(display(path), e);
        }
    }

    @Override
    public String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    @Override
    public String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String child(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    @Override
    public boolean sameAs(Filesystem other) {
        return other == this;
    }

    private static int umask() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8) & 0777;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a kernel before 4.7 does not show it
        }
        return 022;
    }

    @Override
    public String toString() {
        return session.server();
    }
}
