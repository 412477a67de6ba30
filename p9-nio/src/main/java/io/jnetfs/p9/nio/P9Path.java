package io.jnetfs.p9.nio;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path of a {@link P9FileSystem}: a slash-separated string with the syntax and the purely lexical
 * operations of a Unix path (the default provider's {@code UnixPath} is the model its property test
 * compares against). Absolute paths start at the export's root; a relative path is taken from the root
 * too (a file system over 9P has no working directory). Nothing here talks to the server except
 * {@link #toRealPath}.
 *
 * <pre>
 *   "/a/b"   absolute, names [a, b]
 *   "a/b"    relative, names [a, b]
 *   "/"      the root, no names
 *   ""       the empty path, one empty name
 * </pre>
 */
final class P9Path implements Path {
    private static final String[] NO_NAMES = {};

    private final P9FileSystem fs;
    /** Without doubled slashes, without a trailing slash (but the root's). */
    private final String path;
    private String[] names;
    private byte[] bytes;
    private int hash;

    P9Path(P9FileSystem fs, String path) {
        this.fs = fs;
        this.path = normalizeSlashes(path);
    }

    /** Checks for NUL and drops doubled and trailing slashes. */
    static String normalizeSlashes(String input) {
        int n = input.length();
        StringBuilder sb = null;
        char prev = 0;
        for (int i = 0; i < n; i++) {
            char c = input.charAt(i);
            if (c == '\u0000') {
                throw new InvalidPathException(input, "Nul character not allowed");
            }
            if (c == '/' && prev == '/') {
                if (sb == null) {
                    sb = new StringBuilder(n).append(input, 0, i);
                }
            } else if (sb != null) {
                sb.append(c);
            }
            prev = c;
        }
        String s = sb == null ? input : sb.toString();
        if (s.length() > 1 && s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** {@return the path as given, normalized for slashes} */
    String path() {
        return path;
    }

    boolean isEmpty() {
        return path.isEmpty();
    }

    /** {@return the names: none for the root, one empty name for the empty path} */
    String[] names() {
        String[] n = names;
        if (n == null) {
            if (path.isEmpty()) {
                n = new String[] {""};
            } else if (path.equals("/")) {
                n = NO_NAMES;
            } else {
                n = (path.charAt(0) == '/' ? path.substring(1) : path).split("/", -1);
            }
            names = n;
        }
        return n;
    }

    private P9Path of(String p) {
        return new P9Path(fs, p);
    }

    private static P9Path cast(Path other) {
        Objects.requireNonNull(other, "other");
        if (!(other instanceof P9Path p)) {
            throw new ProviderMismatchException("not a p9 path: " + other.getClass().getName());
        }
        return p;
    }

    @Override
    public P9FileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return !path.isEmpty() && path.charAt(0) == '/';
    }

    @Override
    public P9Path getRoot() {
        return isAbsolute() ? of("/") : null;
    }

    @Override
    public P9Path getFileName() {
        String[] n = names();
        if (n.length == 0) {
            return null;
        }
        if (n.length == 1 && !isAbsolute()) {
            return this;
        }
        return of(n[n.length - 1]);
    }

    @Override
    public P9Path getParent() {
        String[] n = names();
        if (n.length == 0) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        return slash == 0 ? of("/") : of(path.substring(0, slash));
    }

    @Override
    public int getNameCount() {
        return names().length;
    }

    @Override
    public P9Path getName(int index) {
        String[] n = names();
        if (index < 0 || index >= n.length) {
            throw new IllegalArgumentException("invalid index=" + index + " for " + n.length + " names");
        }
        return of(n[index]);
    }

    @Override
    public P9Path subpath(int beginIndex, int endIndex) {
        String[] n = names();
        if (beginIndex < 0 || beginIndex >= n.length || endIndex > n.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("invalid subpath(" + beginIndex + ", " + endIndex + ") of " + n.length
                    + " names");
        }
        return of(String.join("/", Arrays.copyOfRange(n, beginIndex, endIndex)));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(Objects.requireNonNull(other, "other") instanceof P9Path that) || that.fs != fs) {
            return false;
        }
        if (that.isAbsolute() != isAbsolute()) {
            return false;
        }
        if (that.isEmpty()) {
            return isEmpty();
        }
        String[] a = names();
        String[] b = that.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(Objects.requireNonNull(other, "other") instanceof P9Path that) || that.fs != fs) {
            return false;
        }
        if (that.isAbsolute()) {
            return that.path.equals(path);
        }
        if (that.isEmpty()) {
            return isEmpty();
        }
        if (isEmpty()) {
            return false;
        }
        String[] a = names();
        String[] b = that.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 1; i <= b.length; i++) {
            if (!a[a.length - i].equals(b[b.length - i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public P9Path normalize() {
        String[] n = names();
        if (n.length == 0 || isEmpty()) {
            return this;
        }
        boolean absolute = isAbsolute();
        List<String> out = new ArrayList<>(n.length);
        for (String name : n) {
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!out.isEmpty() && !out.getLast().equals("..")) {
                    out.removeLast();
                    continue;
                }
                if (absolute) {
                    continue; // "/.." is "/"
                }
            }
            out.add(name);
        }
        if (out.size() == n.length) {
            return this;
        }
        String joined = String.join("/", out);
        return of(absolute ? "/" + joined : joined);
    }

    @Override
    public P9Path resolve(Path other) {
        P9Path that = cast(other);
        if (that.isAbsolute()) {
            return that;
        }
        if (that.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return that;
        }
        return of(path.equals("/") ? "/" + that.path : path + "/" + that.path);
    }

    @Override
    public P9Path resolve(String other) {
        return resolve(of(other));
    }

    @Override
    public P9Path relativize(Path other) {
        P9Path child = cast(other);
        if (child.equals(this)) {
            return of("");
        }
        if (isAbsolute() != child.isAbsolute()) {
            throw new IllegalArgumentException("'other' is different type of Path");
        }
        if (isEmpty()) {
            return child;
        }
        P9Path base = this;
        if (base.hasDots() || child.hasDots()) {
            base = base.normalize();
            child = child.normalize();
        }
        String[] b = base.isEmpty() ? NO_NAMES : base.names();
        String[] c = child.isEmpty() ? NO_NAMES : child.names();
        int i = 0;
        while (i < Math.min(b.length, c.length) && b[i].equals(c[i])) {
            i++;
        }
        String rest = String.join("/", Arrays.copyOfRange(c, i, c.length));
        if (i == b.length) {
            return of(rest);
        }
        for (int k = i; k < b.length; k++) {
            if (b[k].equals("..")) {
                throw new IllegalArgumentException("Unable to compute relative  path from " + this + " to " + other);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = i; k < b.length; k++) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append("..");
        }
        if (!rest.isEmpty()) {
            sb.append('/').append(rest);
        }
        return of(sb.toString());
    }

    private boolean hasDots() {
        for (String n : names()) {
            if (n.equals(".") || n.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** {@return {@code p9://HOST:PORT/PATH} of the absolute path} */
    @Override
    public URI toUri() {
        P9Path abs = toAbsolutePath();
        try {
            return new URI(P9FileSystemProvider.SCHEME, null, fs.uriHost(), fs.port(), abs.path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot make a URI of " + abs, e);
        }
    }

    /** {@return this path, or the root resolved against it: the root is the working directory} */
    @Override
    public P9Path toAbsolutePath() {
        return isAbsolute() ? this : of("/").resolve(this);
    }

    /**
     * {@return the absolute path with every symbolic link resolved (unless {@code NOFOLLOW_LINKS}) and
     * "." and ".." names removed} The file must exist.
     */
    @Override
    public P9Path toRealPath(LinkOption... options) throws IOException {
        return fs.walker().realPath(toAbsolutePath(), Options.follow(options));
    }

    /** Not supported: a 9P server sends no change notifications. */
    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("watching a p9 path: 9P2000.L has no change notifications");
    }

    /** Compares the paths' UTF-8 bytes, unsigned, as the default provider does. */
    @Override
    public int compareTo(Path other) {
        return Arrays.compareUnsigned(utf8(), ((P9Path) other).utf8());
    }

    private byte[] utf8() {
        byte[] b = bytes;
        if (b == null) {
            b = path.getBytes(StandardCharsets.UTF_8);
            bytes = b;
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof P9Path p && p.fs == fs && p.path.equals(path);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = path.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return path;
    }
}
