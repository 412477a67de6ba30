package io.jnetfs.p9.nio;

import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.Qid;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Path resolution on the client, as the kernel's VFS does it for a v9fs mount: a 9P walk never
 * follows a symbolic link at its end, and {@code jnetfs serve} follows none inside a path either, so
 * the links are read (Treadlink) and their targets put in their place here.
 *
 * <pre>
 *   fast path:  Twalk(root, [a, b, c])            one RPC (16 names per message)
 *               c is a link and links are followed: Treadlink, walk again with the target
 *   slow path:  the walk failed with ENOENT or ENOTDIR: a link inside the path may be why
 *               (diod follows those itself, jnetfs serve does not). Is the parent a directory?
 *               then only the last name is missing. Else walk name by name from the root, and at
 *               the first link put its target in its place and start again.
 * </pre>
 *
 * An absolute link target is taken from the export's root. After {@value #MAXSYMLINKS} links,
 * {@code ELOOP}. ".." is walked by the server (which stops at the export's root).
 */
final class Walker {
    /** The kernel's limit of links followed in one resolution. */
    static final int MAXSYMLINKS = 40;

    private final P9FileSystem fs;
    private final P9Client client;

    Walker(P9FileSystem fs, P9Client client) {
        this.fs = fs;
        this.client = client;
    }

    /** {@return the names to walk for an absolute path: "." dropped, ".." kept} */
    static List<String> names(P9Path abs) {
        List<String> out = new ArrayList<>();
        for (String n : abs.names()) {
            if (!n.isEmpty() && !n.equals(".")) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Walks to {@code path}.
     *
     * @param path an absolute path
     * @param followLast whether a link at the end is followed
     * @return a new fid of the file, which the caller closes
     * @throws IOException translated for {@code path} ({@link java.nio.file.NoSuchFileException}...)
     */
    Fid walk(P9Path path, boolean followLast) throws IOException {
        return walkNames(path, names(path), followLast);
    }

    /**
     * Walks to the parent of {@code path}, following every link.
     *
     * @param path an absolute path with at least one name
     * @return a new fid of the parent, which the caller closes
     */
    Fid walkParent(P9Path path) throws IOException {
        List<String> names = names(path);
        return walkNames(path, names.subList(0, Math.max(0, names.size() - 1)), true);
    }

    private Fid walkNames(P9Path path, List<String> start, boolean followLast) throws IOException {
        List<String> names = start;
        int hops = 0;
        while (true) {
            Fid f;
            try {
                f = client.walk(fs.rootFid(), names.toArray(String[]::new));
            } catch (P9Exception e) {
                List<String> next = null;
                if (!names.isEmpty() && (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR)) {
                    try {
                        next = linkInTheWay(names, followLast, e.errno());
                    } catch (IOException x) {
                        throw FsErrors.translate(x, path, null);
                    }
                }
                if (next == null) {
                    throw FsErrors.translate(e, path, null);
                }
                names = next;
                if (++hops > MAXSYMLINKS) {
                    throw FsErrors.of(Errno.ELOOP, path, null, null, null);
                }
                continue;
            }
            Qid q = f.qid();
            if (followLast && !names.isEmpty() && q != null && q.isSymlink()) {
                String target;
                try {
                    target = client.readlink(f);
                } catch (IOException e) {
                    throw FsErrors.translate(e, path, null);
                } finally {
                    closeQuietly(f);
                }
                names = substitute(names, names.size() - 1, target);
                if (++hops > MAXSYMLINKS) {
                    throw FsErrors.of(Errno.ELOOP, path, null, null, null);
                }
                continue;
            }
            return f;
        }
    }

    /**
     * After a failed walk: the names with the first link in the way replaced by its target, or
     * {@code null} when no link is in the way (the failure stands).
     */
    private List<String> linkInTheWay(List<String> names, boolean followLast, int errno) throws IOException {
        int n = names.size();
        if (errno == Errno.ENOENT) {
            // the parent is a directory: only the last name is missing
            if (n == 1) {
                return null;
            }
            try (Fid p = client.walk(fs.rootFid(), names.subList(0, n - 1).toArray(String[]::new))) {
                if (p.qid() != null && p.qid().isDirectory()) {
                    return null;
                }
            } catch (P9Exception e) {
                // a link, or a missing name, further up: walk name by name
            }
        }
        Fid cur = client.walk(fs.rootFid());
        try {
            for (int i = 0; i < n; i++) {
                Fid next;
                try {
                    next = client.walk(cur, names.get(i));
                } catch (P9Exception e) {
                    return null; // a real failure at this name
                }
                closeQuietly(cur);
                cur = next;
                Qid q = cur.qid();
                if (q != null && q.isSymlink() && (i < n - 1 || followLast)) {
                    return substitute(names, i, client.readlink(cur));
                }
            }
            return null; // no link in the way: the first walk's failure stands
        } finally {
            closeQuietly(cur);
        }
    }

    /** {@return {@code names} with the name at {@code i} replaced by the link target's names} */
    static List<String> substitute(List<String> names, int i, String target) {
        List<String> out = new ArrayList<>();
        if (!target.startsWith("/")) {
            out.addAll(names.subList(0, i));
        }
        for (String t : target.split("/")) {
            if (!t.isEmpty() && !t.equals(".")) {
                out.add(t);
            }
        }
        out.addAll(names.subList(i + 1, names.size()));
        return out;
    }

    /**
     * The real path: absolute, links resolved (all of them, or with {@code follow} false none, as the
     * default provider's {@code NOFOLLOW_LINKS}), "." and ".." gone. The file must exist.
     */
    P9Path realPath(P9Path abs, boolean follow) throws IOException {
        if (!follow) {
            return realPathNoFollow(abs);
        }
        List<String> done = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(names(abs));
        int hops = 0;
        Fid cur = client.walk(fs.rootFid());
        try {
            while (!todo.isEmpty()) {
                String name = todo.pollFirst();
                if (name.equals("..")) {
                    if (!done.isEmpty()) {
                        done.removeLast(); // done holds no link: lexical is physical here
                    }
                    closeQuietly(cur);
                    cur = client.walk(fs.rootFid(), done.toArray(String[]::new));
                    continue;
                }
                Fid next;
                try {
                    next = client.walk(cur, name);
                } catch (IOException e) {
                    throw FsErrors.translate(e, abs, null);
                }
                closeQuietly(cur);
                cur = next;
                if (cur.qid() != null && cur.qid().isSymlink()) {
                    if (++hops > MAXSYMLINKS) {
                        throw FsErrors.of(Errno.ELOOP, abs, null, null, null);
                    }
                    String target = client.readlink(cur);
                    if (target.startsWith("/")) {
                        done.clear();
                    }
                    List<String> t = substitute(List.of(name), 0, target);
                    for (int i = t.size() - 1; i >= 0; i--) {
                        todo.addFirst(t.get(i));
                    }
                    closeQuietly(cur);
                    cur = client.walk(fs.rootFid(), done.toArray(String[]::new));
                    continue;
                }
                done.add(name);
            }
        } catch (P9Exception e) {
            throw FsErrors.translate(e, abs, null);
        } finally {
            closeQuietly(cur);
        }
        return new P9Path(fs, "/" + String.join("/", done));
    }

    /** ".." is removed only after a name that is neither a link nor "..", as the default provider does. */
    private P9Path realPathNoFollow(P9Path abs) throws IOException {
        P9Path result = new P9Path(fs, "/");
        boolean parentIsDotDot = false;
        for (String name : abs.names()) {
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                boolean link;
                try (Fid f = walk(result, false)) {
                    link = f.qid() != null && f.qid().isSymlink();
                }
                if (!link && !parentIsDotDot) {
                    P9Path parent = result.getParent();
                    result = parent == null ? new P9Path(fs, "/") : parent;
                    continue;
                }
                parentIsDotDot = true;
            } else {
                parentIsDotDot = false;
            }
            result = result.resolve(name);
        }
        walk(result, false).close();
        return result;
    }

    static void closeQuietly(Fid f) {
        if (f != null) {
            try {
                f.close();
            } catch (IOException | RuntimeException e) {
                // the fid is gone whatever the server said
            }
        }
    }
}
