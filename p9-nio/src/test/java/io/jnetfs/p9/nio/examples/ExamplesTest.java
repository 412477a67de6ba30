package io.jnetfs.p9.nio.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.server.P9Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's examples against {@code jnetfs serve} in this JVM, and checks that the README
 * shows each example's code as the build compiles it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExamplesTest {
    private static final Path SOURCES = Path.of("src/test/java/io/jnetfs/p9/nio/examples");
    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path tmp;

    private static byte[] random(long seed, int len) {
        byte[] b = new byte[len];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private FileSystem open(P9Server server, Path dir) throws IOException {
        return FileSystems.newFileSystem(URI.create("p9://127.0.0.1:" + server.port() + "/"),
                Map.of("aname", dir.toRealPath().toString()));
    }

    @Test
    void serveADirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("served"));
        assertEquals("served from my own program\n", ServeADirectory.serveAndUse(dir));
        assertEquals("served from my own program\n", Files.readString(dir.resolve("hello.txt")));
    }

    @Test
    void zeroCopyToASocket() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("served"));
        byte[] data = random(1, 5_000_003);
        Files.write(dir.resolve("video.bin"), data);
        try (P9Server server = P9Server.builder(dir).listen("127.0.0.1", 0).build().start();
             FileSystem fs = open(server, dir)) {
            assertArrayEquals(data, throughASocket(socket -> ZeroCopyToSocket.send(fs.getPath("/video.bin"), socket),
                    data.length));
            assertArrayEquals(data, throughASocket(socket -> ZeroCopyToSocket.transfer(fs.getPath("/video.bin"), socket),
                    data.length));
        }
    }

    /** What a sender wrote to a loopback socket, as the peer received it. */
    private interface Sender {
        long send(SocketChannel socket) throws IOException;
    }

    private static byte[] throughASocket(Sender sender, long expected) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = listener.accept()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ByteBuffer b = ByteBuffer.allocate(1 << 16);
                    while (peer.read(b.clear()) >= 0) {
                        out.write(b.array(), 0, b.position());
                    }
                    return out.toByteArray();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SocketChannel socket = SocketChannel.open(listener.getLocalAddress())) {
                assertEquals(expected, sender.send(socket));
            }
            return received.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void copyATreeBothWays() throws IOException {
        Path local = Files.createDirectory(tmp.resolve("photos"));
        Files.createDirectories(local.resolve("2025/summer"));
        Files.createDirectories(local.resolve("empty"));
        Files.write(local.resolve("2025/summer/a.jpg"), random(2, 2_000_000));
        Files.write(local.resolve("2025/b.jpg"), random(3, 70_000));
        Files.write(local.resolve("c.txt"), new byte[0]);
        Files.setPosixFilePermissions(local.resolve("2025/b.jpg"), PosixFilePermissions.fromString("rw-------"));
        Path dir = Files.createDirectory(tmp.resolve("served"));
        Path back = tmp.resolve("back");
        try (P9Server server = P9Server.builder(dir).listen("127.0.0.1", 0).build().start();
             FileSystem fs = open(server, dir)) {
            CopyTree.copyTree(local, fs.getPath("/backup"));
            CopyTree.copyTree(fs.getPath("/backup"), back);
        }
        assertEquals(tree(local), tree(dir.resolve("backup")));
        assertEquals(tree(local), tree(back));
    }

    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.put(dir.relativize(p).toString(), (a.isDirectory() ? "dir" : a.size() + " "
                        + java.util.Arrays.hashCode(Files.readAllBytes(p)) + " " + a.lastModifiedTime())
                        + " " + PosixFilePermissions.toString(a.permissions()));
            }
        }
        return out;
    }

    @Test
    void theReadmeShowsTheExamplesAsTheyAreCompiled() throws IOException {
        String readme = Files.readString(README);
        List<String> names = new ArrayList<>();
        for (String example : List.of("ServeADirectory.java", "ZeroCopyToSocket.java", "CopyTree.java")) {
            List<String> lines = Files.readAllLines(SOURCES.resolve(example));
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().startsWith("// README:begin")) {
                    continue;
                }
                names.add(lines.get(i).strip());
                List<String> block = new ArrayList<>();
                int j = i + 1;
                while (!lines.get(j).strip().equals("// README:end")) {
                    block.add(lines.get(j++));
                }
                int indent = block.stream().filter(l -> !l.isBlank())
                        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
                String code = String.join("\n", block.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
                assertTrue(readme.contains(code), "README.md shows " + lines.get(i).strip() + " of " + example
                        + " as it is:\n" + code);
            }
        }
        assertEquals(4, names.size(), names.toString());
        assertTrue(readme.contains("p9://HOST[:PORT]/"), "the README names the p9 scheme");
    }
}
