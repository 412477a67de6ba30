package io.jnetfs.p9.nio;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Scenarios of the {@code java.nio.file} API, written once and run against any provider: each works
 * in an empty directory {@code root} of the file system under test (and a local scratch directory for
 * copies between providers) and writes what it sees to a {@link Transcript}. The default provider on a
 * local directory is the model: a p9 file system must give the same transcript.
 */
final class Scenarios {
    private Scenarios() {
    }

    /** One scenario. */
    @FunctionalInterface
    interface Body {
        void run(Path root, Path scratch, Transcript t) throws Exception;
    }

    /** A named scenario. */
    record Scenario(String name, Body body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Scenario> ALL = List.of(
            new Scenario("smallFiles", Scenarios::smallFiles),
            new Scenario("largeFile", Scenarios::largeFile),
            new Scenario("beyondThePageCache", Scenarios::beyondThePageCache),
            new Scenario("channelPositionSizeTruncate", Scenarios::channelPositionSizeTruncate),
            new Scenario("appendAndTruncateExisting", Scenarios::appendAndTruncateExisting),
            new Scenario("openErrors", Scenarios::openErrors),
            new Scenario("twoChannelsOneFile", Scenarios::twoChannelsOneFile),
            new Scenario("directories", Scenarios::directories),
            new Scenario("globs", Scenarios::globs),
            new Scenario("walk", Scenarios::walk),
            new Scenario("move", Scenarios::move),
            new Scenario("copyWithin", Scenarios::copyWithin),
            new Scenario("copyBothWays", Scenarios::copyBothWays),
            new Scenario("symbolicLinks", Scenarios::symbolicLinks),
            new Scenario("hardLinks", Scenarios::hardLinks),
            new Scenario("attributes", Scenarios::attributes),
            new Scenario("fileStore", Scenarios::fileStore),
            new Scenario("access", Scenarios::access),
            new Scenario("sameFileAndHidden", Scenarios::sameFileAndHidden),
            new Scenario("streams", Scenarios::streams),
            new Scenario("channelTransfers", Scenarios::channelTransfers),
            new Scenario("deleteOnCloseAndSync", Scenarios::deleteOnCloseAndSync));

    static byte[] random(long seed, int len) {
        byte[] b = new byte[len];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** The tree under {@code dir}: relative path, type, size of files, contents digest, permissions. */
    static Map<String, String> tree(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String what;
                if (a.isDirectory()) {
                    what = "dir";
                } else if (a.isSymbolicLink()) {
                    what = "link -> " + Files.readSymbolicLink(p);
                } else {
                    // a user other than root cannot read a file its scenario made unreadable: size and mode only
                    what = "file " + a.size() + " "
                            + (Files.isReadable(p) ? Transcript.digest(Files.readAllBytes(p)) : "(unreadable)");
                }
                out.put(dir.relativize(p).toString(), what + " " + PosixFilePermissions.toString(a.permissions()));
            }
        }
        return out;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> glob(Path dir, String glob) throws Exception {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        }
        out.sort(null);
        return out;
    }

    // ---- the scenarios ----------------------------------------------------------------------------

    static void smallFiles(Path root, Path scratch, Transcript t) throws Exception {
        Path a = root.resolve("a.txt");
        t.attempt("writeString", () -> Files.writeString(a, "hello, 9P\n").getFileName());
        t.attempt("readString", () -> Files.readString(a));
        t.attempt("size", () -> Files.size(a));
        t.attempt("isRegularFile", () -> Files.isRegularFile(a));
        t.attempt("isDirectory", () -> Files.isDirectory(a));
        Path empty = root.resolve("empty.bin");
        t.attempt("write empty", () -> Files.write(empty, new byte[0]).getFileName());
        t.attempt("read empty", () -> Files.readAllBytes(empty));
        t.attempt("size empty", () -> Files.size(empty));
        t.attempt("append", () -> Files.writeString(a, "more\n", StandardOpenOption.APPEND).getFileName());
        t.attempt("readAllLines", () -> Files.readAllLines(a));
        Path w = root.resolve("lines.txt");
        t.run("newBufferedWriter", () -> {
            try (BufferedWriter bw = Files.newBufferedWriter(w)) {
                for (int i = 0; i < 1000; i++) {
                    bw.write("line " + i + "\n");
                }
            }
        });
        t.attempt("newBufferedReader", () -> {
            try (BufferedReader br = Files.newBufferedReader(w)) {
                return br.lines().filter(l -> l.endsWith("7")).count();
            }
        });
        t.attempt("lines", () -> {
            try (Stream<String> s = Files.lines(w)) {
                return s.skip(500).findFirst().orElse(null);
            }
        });
        t.attempt("overwrite shorter", () -> Files.writeString(w, "x").getFileName());
        t.attempt("after overwrite", () -> Files.readString(w));
    }

    static void largeFile(Path root, Path scratch, Transcript t) throws Exception {
        byte[] data = random(1, (5 << 20) + 12345);
        Path f = root.resolve("large.bin");
        t.attempt("write", () -> Files.write(f, data).getFileName());
        t.attempt("size", () -> Files.size(f));
        t.attempt("readAllBytes", () -> Files.readAllBytes(f));
        t.attempt("range", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f)) {
                ch.position(1_000_003);
                ByteBuffer b = ByteBuffer.allocate(777_777);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // fill
                }
                return b.array();
            }
        });
        t.attempt("tail", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f)) {
                ch.position(data.length - 100);
                ByteBuffer b = ByteBuffer.allocate(1000);
                int n = ch.read(b);
                return n + " then " + ch.read(b);
            }
        });
        t.run("rewrite middle", () -> {
            try (FileChannel ch = FileChannel.open(f, WRITE)) {
                ch.write(ByteBuffer.wrap(random(2, 300_000)), 2_000_000);
            }
        });
        t.attempt("after rewrite", () -> Files.readAllBytes(f));
    }

    /** More than the page cache (16 MiB in the tests) in one write, read back before and after the close. */
    static void beyondThePageCache(Path root, Path scratch, Transcript t) throws Exception {
        byte[] data = random(17, (40 << 20) + 4321);
        Path f = root.resolve("big.bin");
        t.attempt("one write, read back in the same channel", () -> {
            try (FileChannel ch = FileChannel.open(f, CREATE_NEW, WRITE, READ)) {
                t.note("written", ch.write(ByteBuffer.wrap(data)));
                ByteBuffer back = ByteBuffer.allocate(data.length);
                while (back.hasRemaining() && ch.read(back, back.position()) > 0) {
                    // fill
                }
                return back.array();
            }
        });
        t.attempt("after close", () -> Files.readAllBytes(f));
        t.attempt("copy", () -> Files.readAllBytes(Files.copy(f, root.resolve("copy.bin"))));
    }

    static void channelPositionSizeTruncate(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("c.bin");
        t.run("channel", () -> {
            try (FileChannel ch = FileChannel.open(f, CREATE_NEW, READ, WRITE)) {
                t.note("write", ch.write(ByteBuffer.wrap(random(3, 10_000))));
                t.note("position", ch.position());
                t.note("size", ch.size());
                ch.position(5000);
                t.note("write at 5000", ch.write(ByteBuffer.wrap(random(4, 100))));
                t.note("position", ch.position());
                ByteBuffer all = ByteBuffer.allocate(20_000);
                t.note("read at 0", ch.read(all, 0));
                all.flip();
                byte[] got = new byte[all.remaining()];
                all.get(got);
                t.note("contents", got);
                ch.position(20_000);
                t.note("write past end", ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
                t.note("size", ch.size());
                ByteBuffer hole = ByteBuffer.allocate(16);
                t.note("read hole", ch.read(hole, 15_000));
                t.note("hole bytes", hole.array());
                t.note("truncate", ch.truncate(3000).size());
                t.note("position after truncate", ch.position());
                t.note("truncate larger", ch.truncate(1 << 20).size());
                t.note("read at end", ch.read(ByteBuffer.allocate(10), 3000));
                t.note("read past end", ch.read(ByteBuffer.allocate(10), 9000));
                t.note("empty read", ch.read(ByteBuffer.allocate(0), 0));
                ch.force(true);
                t.note("position(-1)", attemptClass(() -> ch.position(-1)));
            }
        });
        t.attempt("after close", () -> Files.readAllBytes(f));
        t.attempt("closed channel", () -> {
            FileChannel ch = FileChannel.open(f, READ);
            ch.close();
            return attemptClass(() -> ch.read(ByteBuffer.allocate(1)));
        });
    }

    static void appendAndTruncateExisting(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("log.txt");
        Files.writeString(f, "a");
        for (String s : List.of("b", "c")) {
            t.run("append " + s, () -> {
                try (SeekableByteChannel ch = Files.newByteChannel(f, APPEND)) {
                    ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
                    t.note("position", ch.position());
                }
            });
        }
        t.attempt("content", () -> Files.readString(f));
        t.run("READ+APPEND", () -> Files.newByteChannel(f, READ, APPEND).close());
        t.run("APPEND+TRUNCATE", () -> Files.newByteChannel(f, APPEND, TRUNCATE_EXISTING).close());
        t.run("truncate existing", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f, WRITE, TRUNCATE_EXISTING)) {
                t.note("size", ch.size());
                ch.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
            }
        });
        t.attempt("content", () -> Files.readString(f));
        t.run("truncate read-only ignored", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f, READ, TRUNCATE_EXISTING)) {
                t.note("size", ch.size());
            }
        });
        t.run("CREATE missing", () -> Files.newByteChannel(root.resolve("new.txt"), CREATE, WRITE).close());
        t.attempt("created", () -> Files.exists(root.resolve("new.txt")));
        t.run("CREATE existing", () -> Files.newByteChannel(f, CREATE, WRITE).close());
        t.attempt("content", () -> Files.readString(f));
    }

    static void openErrors(Path root, Path scratch, Transcript t) throws Exception {
        Path missing = root.resolve("missing");
        Path f = root.resolve("f");
        Files.writeString(f, "x");
        Path d = Files.createDirectory(root.resolve("d"));
        t.run("open missing", () -> Files.newByteChannel(missing).close());
        t.run("input missing", () -> Files.newInputStream(missing).close());
        t.run("create in missing dir", () -> Files.newByteChannel(missing.resolve("x"), CREATE, WRITE).close());
        t.run("create under a file", () -> Files.newByteChannel(f.resolve("x"), CREATE, WRITE).close());
        t.run("CREATE_NEW existing", () -> Files.newByteChannel(f, CREATE_NEW, WRITE).close());
        t.run("write a directory", () -> Files.newByteChannel(d, WRITE).close());
        t.run("readAllBytes of a directory", () -> Files.readAllBytes(d));
        t.run("write read-only", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f, READ)) {
                ch.write(ByteBuffer.wrap(new byte[1]));
            }
        });
        t.run("read write-only", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f, WRITE)) {
                ch.read(ByteBuffer.allocate(1));
            }
        });
        t.run("input stream WRITE", () -> Files.newInputStream(f, WRITE).close());
        t.run("output stream READ", () -> Files.newOutputStream(f, READ).close());
        t.attempt("content", () -> Files.readString(f));
    }

    static void twoChannelsOneFile(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("shared.bin");
        byte[] first = random(5, 300_000);
        t.run("write and read through two channels", () -> {
            try (FileChannel w = FileChannel.open(f, CREATE_NEW, WRITE);
                 FileChannel r = FileChannel.open(f, READ)) {
                w.write(ByteBuffer.wrap(first));
                t.note("reader size", r.size());
                ByteBuffer b = ByteBuffer.allocate(first.length);
                while (b.hasRemaining() && r.read(b) > 0) {
                    // fill
                }
                t.note("reader sees", b.array());
                t.note("attributes size", Files.size(f));
                w.write(ByteBuffer.wrap(new byte[] {9, 9, 9}), 10);
                ByteBuffer small = ByteBuffer.allocate(5);
                r.read(small, 8);
                t.note("reader sees the rewrite", small.array());
            }
        });
        t.attempt("after both closed", () -> Files.readAllBytes(f));
    }

    static void directories(Path root, Path scratch, Transcript t) throws Exception {
        Path d = root.resolve("d");
        t.attempt("createDirectory", () -> Files.createDirectory(d).getFileName());
        t.run("createDirectory again", () -> Files.createDirectory(d));
        t.attempt("createDirectories", () -> root.relativize(Files.createDirectories(d.resolve("x/y/z"))));
        t.attempt("createDirectories existing", () -> root.relativize(Files.createDirectories(d.resolve("x/y"))));
        t.run("createDirectory in missing", () -> Files.createDirectory(root.resolve("no/such")));
        t.run("createDirectory under a file", () -> {
            Files.writeString(root.resolve("file"), "f");
            Files.createDirectory(root.resolve("file/sub"));
        });
        t.attempt("isDirectory", () -> Files.isDirectory(d.resolve("x/y/z")));
        for (int i = 0; i < 40; i++) {
            Files.writeString(d.resolve("f" + i), "content " + i);
        }
        t.attempt("list", () -> names(d));
        t.attempt("list a file", () -> names(root.resolve("file")));
        t.run("newDirectoryStream of a file", () -> Files.newDirectoryStream(root.resolve("file")).close());
        t.run("newDirectoryStream of missing", () -> Files.newDirectoryStream(root.resolve("none")).close());
        t.run("delete non-empty", () -> Files.delete(d.resolve("x")));
        t.run("delete file", () -> Files.delete(d.resolve("f0")));
        t.run("delete missing", () -> Files.delete(d.resolve("f0")));
        t.attempt("deleteIfExists missing", () -> Files.deleteIfExists(d.resolve("f0")));
        t.attempt("deleteIfExists file", () -> Files.deleteIfExists(d.resolve("f1")));
        t.run("delete empty dir", () -> Files.delete(d.resolve("x/y/z")));
        t.attempt("list after", () -> names(d));
        t.attempt("iterator twice", () -> {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                ds.iterator();
                return attemptClass(ds::iterator);
            }
        });
        t.attempt("filter", () -> {
            List<String> out = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d, p -> Files.isDirectory(p))) {
                ds.forEach(p -> out.add(p.getFileName().toString()));
            }
            return out;
        });
        t.attempt("relative entries", () -> {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d.resolve("x"))) {
                return d.relativize(ds.iterator().next()).toString();
            }
        });
    }

    static void globs(Path root, Path scratch, Transcript t) throws Exception {
        for (String n : List.of("a.txt", "b.txt", "ab.txt", "c.bin", "d.BIN", ".hidden", "x{y}.txt", "e,f.txt")) {
            Files.writeString(root.resolve(n), n);
        }
        Files.createDirectories(root.resolve("sub/deeper"));
        Files.writeString(root.resolve("sub/s.txt"), "s");
        Files.writeString(root.resolve("sub/deeper/z.txt"), "z");
        for (String g : List.of("*", "*.txt", "{a,c}*", "[ab]?.txt", "?.bin", "*.{bin,BIN}", "[!a]*", "\\{*",
                ".*", "*,*", "**")) {
            t.attempt("glob " + g, () -> glob(root, g));
        }
        t.run("bad glob", () -> Files.newDirectoryStream(root, "[a").close());
        PathMatcher m = root.getFileSystem().getPathMatcher("glob:**/*.txt");
        t.attempt("matcher over walk", () -> {
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(m::matches).map(p -> root.relativize(p).toString()).sorted().toList();
            }
        });
        PathMatcher r = root.getFileSystem().getPathMatcher("regex:.*/[a-c]+\\.txt");
        t.attempt("regex over walk", () -> {
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(r::matches).map(p -> root.relativize(p).toString()).sorted().toList();
            }
        });
        t.attempt("unknown syntax", () -> attemptClass(() -> root.getFileSystem().getPathMatcher("re:x")));
    }

    static void walk(Path root, Path scratch, Transcript t) throws Exception {
        for (String d : List.of("a/b/c", "a/d", "e")) {
            Files.createDirectories(root.resolve(d));
        }
        for (String f : List.of("a/1.txt", "a/b/2.txt", "a/b/c/3.txt", "e/4.txt", "5.txt")) {
            Files.writeString(root.resolve(f), f.repeat(10));
        }
        t.attempt("walk", () -> {
            try (Stream<Path> s = Files.walk(root)) {
                return s.map(p -> root.relativize(p) + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
            }
        });
        t.attempt("walk depth 1", () -> {
            try (Stream<Path> s = Files.walk(root, 1)) {
                return s.map(p -> root.relativize(p).toString()).sorted().toList();
            }
        });
        t.attempt("find big", () -> {
            try (Stream<Path> s = Files.find(root, 10, (p, a) -> a.isRegularFile() && a.size() > 60)) {
                return s.map(p -> root.relativize(p).toString()).sorted().toList();
            }
        });
        t.attempt("walkFileTree", () -> {
            List<String> events = new ArrayList<>();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    events.add("pre " + root.relativize(dir));
                    return dir.endsWith("b") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    events.add("file " + root.relativize(file) + " " + attrs.size());
                    return FileVisitResult.CONTINUE;
                }
            });
            events.sort(null);
            return events;
        });
        t.attempt("walk missing", () -> attemptClass(() -> Files.walk(root.resolve("none")).close()));
        t.attempt("delete tree", () -> {
            try (Stream<Path> s = Files.walk(root.resolve("a"))) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            return names(root);
        });
    }

    static void move(Path root, Path scratch, Transcript t) throws Exception {
        Path a = root.resolve("a.txt");
        Files.writeString(a, "A");
        Path sub = Files.createDirectory(root.resolve("sub"));
        t.attempt("rename", () -> root.relativize(Files.move(a, root.resolve("b.txt"))));
        t.attempt("source gone", () -> Files.exists(a));
        t.attempt("into dir", () -> root.relativize(Files.move(root.resolve("b.txt"), sub.resolve("b.txt"))));
        Files.writeString(root.resolve("c.txt"), "C");
        t.run("onto existing", () -> Files.move(root.resolve("c.txt"), sub.resolve("b.txt")));
        t.attempt("replace", () -> root.relativize(Files.move(root.resolve("c.txt"), sub.resolve("b.txt"),
                StandardCopyOption.REPLACE_EXISTING)));
        t.attempt("replaced content", () -> Files.readString(sub.resolve("b.txt")));
        Files.writeString(root.resolve("d.txt"), "D");
        t.attempt("atomic", () -> root.relativize(Files.move(root.resolve("d.txt"), root.resolve("e.txt"),
                StandardCopyOption.ATOMIC_MOVE)));
        Files.writeString(root.resolve("f.txt"), "F");
        t.attempt("atomic replacing", () -> root.relativize(Files.move(root.resolve("f.txt"), root.resolve("e.txt"),
                StandardCopyOption.ATOMIC_MOVE)));
        t.attempt("atomic replaced content", () -> Files.readString(root.resolve("e.txt")));
        t.attempt("directory", () -> root.relativize(Files.move(sub, root.resolve("moved"))));
        t.attempt("directory content", () -> names(root.resolve("moved")));
        t.run("missing", () -> Files.move(root.resolve("none"), root.resolve("x")));
        Files.createDirectories(root.resolve("full/inner"));
        t.run("onto non-empty dir", () -> Files.move(root.resolve("e.txt"), root.resolve("full"),
                StandardCopyOption.REPLACE_EXISTING));
        t.attempt("onto empty dir", () -> root.relativize(Files.move(root.resolve("e.txt"), root.resolve("full/inner"),
                StandardCopyOption.REPLACE_EXISTING)));
        t.attempt("onto itself", () -> root.relativize(Files.move(root.resolve("full/inner"), root.resolve("full/inner"))));
        t.run("into own subtree", () -> Files.move(root.resolve("moved"), root.resolve("moved/deeper")));
        t.run("bad option", () -> Files.move(root.resolve("moved"), root.resolve("m2"), StandardCopyOption.COPY_ATTRIBUTES));
        t.attempt("tree", () -> tree(root));
    }

    static void copyWithin(Path root, Path scratch, Transcript t) throws Exception {
        Path src = root.resolve("src.bin");
        Files.write(src, random(6, 1_234_567));
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(src, FileTime.from(Instant.parse("2024-02-29T12:34:56.123456789Z")));
        t.attempt("copy", () -> root.relativize(Files.copy(src, root.resolve("dst.bin"))));
        t.attempt("copied", () -> Files.readAllBytes(root.resolve("dst.bin")));
        t.attempt("copied permissions", () -> Files.getPosixFilePermissions(root.resolve("dst.bin")));
        t.run("copy onto existing", () -> Files.copy(src, root.resolve("dst.bin")));
        Files.writeString(root.resolve("other"), "other");
        t.attempt("replace", () -> root.relativize(Files.copy(root.resolve("other"), root.resolve("dst.bin"),
                StandardCopyOption.REPLACE_EXISTING)));
        t.attempt("replaced", () -> Files.readString(root.resolve("dst.bin")));
        t.attempt("copy attributes", () -> root.relativize(Files.copy(src, root.resolve("attrs.bin"),
                StandardCopyOption.COPY_ATTRIBUTES)));
        t.attempt("mtime", () -> Files.getLastModifiedTime(root.resolve("attrs.bin")));
        t.attempt("permissions", () -> Files.getPosixFilePermissions(root.resolve("attrs.bin")));
        Files.createDirectories(root.resolve("dir/child"));
        t.attempt("copy dir", () -> root.relativize(Files.copy(root.resolve("dir"), root.resolve("dir2"))));
        t.attempt("copied dir is empty", () -> names(root.resolve("dir2")));
        t.run("copy missing", () -> Files.copy(root.resolve("none"), root.resolve("x")));
        t.run("copy atomic", () -> Files.copy(src, root.resolve("y"), StandardCopyOption.ATOMIC_MOVE));
        t.attempt("copy onto itself", () -> root.relativize(Files.copy(src, src)));
        Files.createSymbolicLink(root.resolve("link"), root.getFileSystem().getPath("src.bin"));
        t.attempt("copy link followed", () -> Files.isSymbolicLink(Files.copy(root.resolve("link"), root.resolve("l1"))));
        t.attempt("copy link itself", () -> Files.isSymbolicLink(Files.copy(root.resolve("link"), root.resolve("l2"),
                LinkOption.NOFOLLOW_LINKS)));
        t.attempt("copy empty", () -> {
            Files.write(root.resolve("e0"), new byte[0]);
            return Files.size(Files.copy(root.resolve("e0"), root.resolve("e1")));
        });
        t.run("replace non-empty dir", () -> Files.copy(src, root.resolve("dir"), StandardCopyOption.REPLACE_EXISTING));
        t.attempt("tree", () -> tree(root));
    }

    static void copyBothWays(Path root, Path scratch, Transcript t) throws Exception {
        byte[] data = random(7, 3_000_001);
        Path local = scratch.resolve("local.bin");
        Files.write(local, data);
        Files.setLastModifiedTime(local, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        t.attempt("local to here", () -> root.relativize(Files.copy(local, root.resolve("in.bin"))));
        t.attempt("arrived", () -> Files.readAllBytes(root.resolve("in.bin")));
        t.attempt("local to here with attributes", () -> root.relativize(Files.copy(local, root.resolve("in2.bin"),
                StandardCopyOption.COPY_ATTRIBUTES)));
        t.attempt("mtime", () -> Files.getLastModifiedTime(root.resolve("in2.bin")));
        t.attempt("here to local", () -> scratch.relativize(Files.copy(root.resolve("in.bin"), scratch.resolve("out.bin"))));
        t.attempt("returned", () -> Files.readAllBytes(scratch.resolve("out.bin")));
        t.run("here to local onto existing", () -> Files.copy(root.resolve("in.bin"), scratch.resolve("out.bin")));
        t.attempt("stream in", () -> Files.copy(new ByteArrayInputStream(data, 5, 100_000), root.resolve("s.bin")));
        t.attempt("stream content", () -> Files.readAllBytes(root.resolve("s.bin")));
        t.attempt("stream out", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Files.copy(root.resolve("in.bin"), out);
            return out.toByteArray();
        });
        t.attempt("move local to here", () -> root.relativize(Files.move(scratch.resolve("out.bin"), root.resolve("m.bin"))));
        t.attempt("moved", () -> Files.readAllBytes(root.resolve("m.bin")) .length + " " + Files.exists(scratch.resolve("out.bin")));
        t.attempt("move here to local", () -> scratch.relativize(Files.move(root.resolve("m.bin"), scratch.resolve("back.bin"))));
        t.attempt("moved back", () -> Files.exists(root.resolve("m.bin")) + " " + Files.size(scratch.resolve("back.bin")));
        t.attempt("tree", () -> tree(root));
    }

    static void symbolicLinks(Path root, Path scratch, Transcript t) throws Exception {
        Path target = root.resolve("target.txt");
        Files.writeString(target, "through the link");
        Path dir = Files.createDirectories(root.resolve("d/e"));
        Files.writeString(dir.resolve("f.txt"), "deep");
        Path link = root.resolve("link");
        Path rel = root.getFileSystem().getPath("target.txt");
        t.attempt("create", () -> root.relativize(Files.createSymbolicLink(link, rel)));
        t.attempt("readSymbolicLink", () -> Files.readSymbolicLink(link));
        t.attempt("isSymbolicLink", () -> Files.isSymbolicLink(link));
        t.attempt("isRegularFile follows", () -> Files.isRegularFile(link));
        t.attempt("isRegularFile nofollow", () -> Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS));
        t.attempt("read through", () -> Files.readString(link));
        t.attempt("size through", () -> Files.size(link));
        Files.createSymbolicLink(root.resolve("dlink"), root.getFileSystem().getPath("d/e"));
        t.attempt("read through a directory link", () -> Files.readString(root.resolve("dlink/f.txt")));
        t.attempt("list through a directory link", () -> names(root.resolve("dlink")));
        Files.createSymbolicLink(root.resolve("up"), root.getFileSystem().getPath("../" + root.getFileName() + "/d"));
        t.attempt("link with dot-dot", () -> Files.readString(root.resolve("up/e/f.txt")));
        Files.createSymbolicLink(dir.resolve("back"), root.getFileSystem().getPath("../../target.txt"));
        t.attempt("link to dot-dot target", () -> Files.readString(root.resolve("dlink/back")));
        Path dangling = root.resolve("dangling");
        Files.createSymbolicLink(dangling, root.getFileSystem().getPath("nowhere"));
        t.attempt("dangling exists", () -> Files.exists(dangling));
        t.attempt("dangling exists nofollow", () -> Files.exists(dangling, LinkOption.NOFOLLOW_LINKS));
        t.run("dangling read", () -> Files.readString(dangling));
        Files.createSymbolicLink(root.resolve("loop1"), root.getFileSystem().getPath("loop2"));
        Files.createSymbolicLink(root.resolve("loop2"), root.getFileSystem().getPath("loop1"));
        t.run("loop", () -> Files.readAttributes(root.resolve("loop1"), BasicFileAttributes.class));
        t.attempt("isSameFile", () -> Files.isSameFile(link, target));
        t.run("readSymbolicLink of a file", () -> Files.readSymbolicLink(target));
        t.run("create over existing", () -> Files.createSymbolicLink(link, rel));
        t.attempt("toRealPath", () -> root.toRealPath().relativize(root.resolve("dlink/../d/./e/f.txt").toRealPath()));
        t.attempt("toRealPath nofollow", () -> root.toRealPath().relativize(
                root.resolve("./dlink").toRealPath(LinkOption.NOFOLLOW_LINKS)));
        t.run("toRealPath missing", () -> root.resolve("nope").toRealPath());
        t.attempt("walk follows", () -> {
            try (Stream<Path> s = Files.walk(root.resolve("dlink"), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
                return s.map(p -> root.relativize(p).toString()).sorted().toList();
            }
        });
        t.run("write through link", () -> Files.writeString(link, "rewritten"));
        t.attempt("target rewritten", () -> Files.readString(target));
        t.run("delete link", () -> Files.delete(link));
        t.attempt("target stays", () -> Files.exists(target));
        t.attempt("tree", () -> tree(root));
    }

    static void hardLinks(Path root, Path scratch, Transcript t) throws Exception {
        Path a = root.resolve("a.bin");
        Files.write(a, random(8, 70_000));
        Path b = root.resolve("b.bin");
        t.attempt("createLink", () -> root.relativize(Files.createLink(b, a)));
        t.attempt("nlink", () -> Files.getAttribute(a, "unix:nlink"));
        t.attempt("isSameFile", () -> Files.isSameFile(a, b));
        t.attempt("same fileKey", () -> Files.readAttributes(a, BasicFileAttributes.class).fileKey()
                .equals(Files.readAttributes(b, BasicFileAttributes.class).fileKey()));
        t.run("write through one", () -> {
            try (FileChannel ch = FileChannel.open(b, WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {42, 42}), 100);
            }
        });
        t.attempt("read through the other", () -> Files.readAllBytes(a));
        t.run("delete the first", () -> Files.delete(a));
        t.attempt("second stays", () -> Files.size(b));
        t.attempt("nlink after", () -> Files.getAttribute(b, "unix:nlink"));
        t.run("link to missing", () -> Files.createLink(root.resolve("c"), a));
        t.run("link over existing", () -> Files.createLink(b, b));
        Path d = Files.createDirectory(root.resolve("d"));
        t.run("link to a directory", () -> Files.createLink(root.resolve("dl"), d));
    }

    static void attributes(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("f.txt");
        Files.writeString(f, "attributes");
        Path d = Files.createDirectory(root.resolve("d"));
        t.attempt("basic", () -> {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return a.isRegularFile() + " " + a.isDirectory() + " " + a.isSymbolicLink() + " " + a.isOther() + " "
                    + a.size();
        });
        t.attempt("basic of a directory", () -> {
            BasicFileAttributes a = Files.readAttributes(d, BasicFileAttributes.class);
            return a.isRegularFile() + " " + a.isDirectory() + " " + a.isSymbolicLink() + " " + a.isOther();
        });
        t.run("setPosixFilePermissions", () -> Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----")));
        t.attempt("getPosixFilePermissions", () -> Files.getPosixFilePermissions(f));
        t.attempt("unix:mode", () -> Integer.toOctalString((Integer) Files.getAttribute(f, "unix:mode")));
        t.run("unix:mode set", () -> Files.setAttribute(f, "unix:mode", 0600));
        t.attempt("after unix:mode", () -> PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        FileTime mtime = FileTime.from(Instant.parse("2023-05-06T07:08:09.123456789Z"));
        FileTime atime = FileTime.from(Instant.parse("2022-01-02T03:04:05.5Z"));
        t.run("setLastModifiedTime", () -> Files.setLastModifiedTime(f, mtime));
        t.attempt("getLastModifiedTime", () -> Files.getLastModifiedTime(f));
        t.run("lastAccessTime", () -> Files.setAttribute(f, "basic:lastAccessTime", atime));
        t.attempt("getAttribute lastAccessTime", () -> Files.getAttribute(f, "lastAccessTime"));
        t.attempt("mtime kept", () -> Files.getLastModifiedTime(f));
        t.run("setTimes", () -> Files.getFileAttributeView(d, BasicFileAttributeView.class).setTimes(mtime, atime, null));
        t.attempt("directory times", () -> Files.getLastModifiedTime(d) + " "
                + Files.readAttributes(d, BasicFileAttributes.class).lastAccessTime());
        t.attempt("map", () -> new TreeMap<>(Files.readAttributes(f, "posix:permissions,size,isDirectory")));
        t.attempt("basic keys", () -> new java.util.TreeSet<>(Files.readAttributes(f, "*").keySet()));
        t.attempt("posix keys", () -> new java.util.TreeSet<>(Files.readAttributes(f, "posix:*").keySet()));
        t.attempt("unix keys", () -> new java.util.TreeSet<>(Files.readAttributes(f, "unix:*").keySet()));
        t.attempt("unix values", () -> {
            Map<String, Object> m = Files.readAttributes(f, "unix:mode,nlink,uid,gid,size");
            return Integer.toOctalString((Integer) m.get("mode")) + " " + m.get("nlink") + " "
                    + m.get("uid").equals(Files.getAttribute(root, "unix:uid")) + " " + m.get("size");
        });
        t.run("unknown attribute", () -> Files.getAttribute(f, "basic:nope"));
        t.run("unknown view", () -> Files.readAttributes(f, "nope:*"));
        t.run("read-only attribute", () -> Files.setAttribute(f, "size", 3L));
        t.attempt("owner as root dir", () -> Files.getOwner(f).equals(Files.getOwner(root)));
        t.attempt("posix owner and group", () -> {
            PosixFileAttributes a = Files.readAttributes(f, PosixFileAttributes.class);
            PosixFileAttributes r = Files.readAttributes(root, PosixFileAttributes.class);
            return a.owner().getName().equals(r.owner().getName()) + " " + a.group().equals(r.group());
        });
        t.run("setOwner same", () -> Files.setOwner(f, Files.getOwner(root)));
        t.run("setGroup same", () -> Files.getFileAttributeView(f, PosixFileAttributeView.class)
                .setGroup(Files.readAttributes(root, PosixFileAttributes.class).group()));
        t.attempt("acl view", () -> Files.getFileAttributeView(f, java.nio.file.attribute.AclFileAttributeView.class));
        t.attempt("fileKey differs", () -> Files.readAttributes(f, BasicFileAttributes.class).fileKey()
                .equals(Files.readAttributes(d, BasicFileAttributes.class).fileKey()));
        t.run("attributes of missing", () -> Files.readAttributes(root.resolve("none"), BasicFileAttributes.class));
        t.attempt("initial permissions", () -> Files.getPosixFilePermissions(Files.createFile(root.resolve("p"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")))));
        t.attempt("default permissions", () -> Files.getPosixFilePermissions(Files.createFile(root.resolve("q"))));
        t.attempt("default directory permissions", () -> Files.getPosixFilePermissions(
                Files.createDirectory(root.resolve("r"))));
    }

    static void fileStore(Path root, Path scratch, Transcript t) throws Exception {
        Files.writeString(root.resolve("f"), "f");
        t.attempt("store", () -> {
            FileStore s = Files.getFileStore(root.resolve("f"));
            long total = s.getTotalSpace();
            return (total > 0) + " " + (s.getUsableSpace() <= total) + " " + (s.getUnallocatedSpace() <= total) + " "
                    + (s.getBlockSize() > 0) + " " + s.supportsFileAttributeView("posix") + " "
                    + s.supportsFileAttributeView(PosixFileAttributeView.class) + " " + (((Long) s.getAttribute("totalSpace")) == total);
        });
        t.run("store of missing", () -> Files.getFileStore(root.resolve("none")));
        t.attempt("views", () -> root.getFileSystem().supportedFileAttributeViews().containsAll(
                java.util.Set.of("basic", "posix", "unix", "owner")));
    }

    static void access(Path root, Path scratch, Transcript t) throws Exception {
        for (String p : List.of("rw-r--r--", "rwxr-xr-x", "---------", "r--------", "--x------")) {
            Path f = root.resolve("f" + p);
            Files.writeString(f, p);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(p));
            t.attempt("access " + p, () -> Files.exists(f) + " " + Files.isReadable(f) + " " + Files.isWritable(f) + " "
                    + Files.isExecutable(f));
        }
        Path d = Files.createDirectory(root.resolve("d"));
        t.attempt("access dir", () -> Files.isReadable(d) + " " + Files.isWritable(d) + " " + Files.isExecutable(d));
        t.attempt("missing", () -> Files.exists(root.resolve("none")) + " " + Files.notExists(root.resolve("none"))
                + " " + Files.isReadable(root.resolve("none")));
        t.run("checkAccess missing", () -> root.getFileSystem().provider().checkAccess(root.resolve("none")));
    }

    static void sameFileAndHidden(Path root, Path scratch, Transcript t) throws Exception {
        Path a = root.resolve("a");
        Files.writeString(a, "a");
        Files.writeString(root.resolve("b"), "b");
        Files.createDirectory(root.resolve("d"));
        t.attempt("same path", () -> Files.isSameFile(a, a));
        t.attempt("other spelling", () -> Files.isSameFile(a, root.resolve("d/../a")));
        t.attempt("different files", () -> Files.isSameFile(a, root.resolve("b")));
        t.run("missing", () -> Files.isSameFile(a, root.resolve("none")));
        t.attempt("hidden", () -> Files.isHidden(root.resolve(".x")) + " " + Files.isHidden(a));
        t.attempt("other provider", () -> Files.isSameFile(a, Path.of("/")));
    }

    static void streams(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("s.bin");
        byte[] data = random(9, 600_000);
        t.run("output", () -> {
            try (OutputStream out = Files.newOutputStream(f)) {
                out.write(data[0]);
                out.write(data, 1, 99_999);
                out.write(data, 100_000, data.length - 100_000);
            }
        });
        t.attempt("input", () -> {
            try (InputStream in = Files.newInputStream(f)) {
                StringBuilder sb = new StringBuilder();
                sb.append(in.read()).append(' ').append(in.read()).append(' ');
                sb.append(in.skip(1000)).append(' ').append(in.available()).append(' ');
                byte[] rest = in.readAllBytes();
                sb.append(Transcript.render(rest)).append(' ').append(in.read()).append(' ').append(in.available());
                sb.append(' ').append(in.skip(10));
                return sb.toString();
            }
        });
        t.attempt("transferTo", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = Files.newInputStream(f)) {
                in.skip(7);
                t.note("transferred", in.transferTo(out));
            }
            return out.toByteArray();
        });
        t.run("append stream", () -> {
            try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.APPEND)) {
                out.write("tail".getBytes(StandardCharsets.UTF_8));
            }
        });
        t.attempt("size", () -> Files.size(f));
        t.run("truncating stream", () -> {
            try (OutputStream out = Files.newOutputStream(f)) {
                out.write(1);
            }
        });
        t.attempt("after truncating", () -> Files.readAllBytes(f));
        t.run("CREATE_NEW stream on existing", () -> Files.newOutputStream(f, CREATE_NEW).close());
        t.attempt("read closed stream", () -> {
            InputStream in = Files.newInputStream(f);
            in.close();
            return attemptClass(in::read);
        });
    }

    static void channelTransfers(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("t.bin");
        byte[] data = random(10, 2_500_000);
        Files.write(f, data);
        t.attempt("transferTo all", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (FileChannel ch = FileChannel.open(f)) {
                t.note("transferred", ch.transferTo(0, Long.MAX_VALUE, Channels.newChannel(out)));
                t.note("position unchanged", ch.position());
            }
            return out.toByteArray();
        });
        t.attempt("transferTo range", () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (FileChannel ch = FileChannel.open(f)) {
                t.note("transferred", ch.transferTo(1_000_000, 300_000, Channels.newChannel(out)));
                t.note("past end", ch.transferTo(data.length + 5, 10, Channels.newChannel(out)));
            }
            return out.toByteArray();
        });
        Path g = root.resolve("g.bin");
        t.attempt("transferFrom", () -> {
            try (FileChannel ch = FileChannel.open(g, CREATE_NEW, WRITE, READ)) {
                t.note("at 0", ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), 0, 1_000_000));
                t.note("past end", ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), 2_000_000, 10));
                t.note("at end", ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data, 0, 5)), 1_000_000, 10));
                return ch.size();
            }
        });
        t.attempt("transferred content", () -> Files.readAllBytes(g));
        t.attempt("scatter gather", () -> {
            try (FileChannel ch = FileChannel.open(root.resolve("sg.bin"), CREATE_NEW, WRITE, READ)) {
                ByteBuffer[] out = {ByteBuffer.wrap(random(11, 10)), ByteBuffer.wrap(random(12, 20_000)),
                    ByteBuffer.allocate(0), ByteBuffer.wrap(random(13, 3))};
                t.note("gathered", ch.write(out, 0, out.length));
                ch.position(0);
                ByteBuffer[] in = {ByteBuffer.allocate(5), ByteBuffer.allocate(30_000)};
                t.note("scattered", ch.read(in, 0, 2));
                t.note("scattered again", ch.read(in, 0, 2));
                return in[1].position();
            }
        });
        t.attempt("between channels", () -> {
            try (FileChannel in = FileChannel.open(f); FileChannel out = FileChannel.open(root.resolve("h.bin"),
                    CREATE_NEW, WRITE)) {
                return in.transferTo(0, in.size(), out);
            }
        });
        t.attempt("between channels content", () -> Files.readAllBytes(root.resolve("h.bin")));
    }

    static void deleteOnCloseAndSync(Path root, Path scratch, Transcript t) throws Exception {
        Path f = root.resolve("tmp.bin");
        t.run("delete on close", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(f, CREATE_NEW, WRITE, READ,
                    StandardOpenOption.DELETE_ON_CLOSE)) {
                ch.write(ByteBuffer.wrap(random(14, 1000)));
                t.note("exists while open", Files.exists(f));
            }
        });
        t.attempt("exists after", () -> Files.exists(f));
        Path s = root.resolve("sync.bin");
        t.run("sync writes", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(s, CREATE_NEW, WRITE, StandardOpenOption.SYNC)) {
                ch.write(ByteBuffer.wrap(random(15, 100_000)));
                ch.write(ByteBuffer.wrap(random(16, 10)));
            }
        });
        t.attempt("synced", () -> Files.readAllBytes(s));
        t.run("dsync and sparse", () -> {
            try (SeekableByteChannel ch = Files.newByteChannel(root.resolve("d.bin"), CREATE_NEW, WRITE,
                    StandardOpenOption.DSYNC, StandardOpenOption.SPARSE)) {
                ch.position(1 << 20);
                ch.write(ByteBuffer.wrap(new byte[] {1}));
            }
        });
        t.attempt("sparse size", () -> Files.size(root.resolve("d.bin")));
    }

    /** The class of what {@code r} threw, or "ok". */
    static String attemptClass(Transcript.Run r) {
        try {
            r.run();
            return "ok";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    static String keys(Map<String, ?> m) {
        return m.keySet().stream().sorted().collect(Collectors.joining(","));
    }
}
