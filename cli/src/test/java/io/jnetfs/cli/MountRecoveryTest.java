package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.server.P9Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs on a real FUSE mount ({@code jnetfs mount -f} in this JVM) of {@code jnetfs serve} ride out
 * the server's restart (issue 27): what they do while it is away waits and succeeds, an open file
 * goes on being written and fsynced, and every acknowledged byte is on the server; with
 * {@code --no-reconnect} the first lost connection is final and the programs get errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountRecoveryTest {
    @TempDir
    Path tmp;

    /** A P9Server that can be closed and started again on the same port. */
    private static P9Server serve(Path export, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return P9Server.builder(export).listen("127.0.0.1", port).build().start();
            } catch (IOException e) {
                if (port == 0 || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50); // the old listener's port is not free yet
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** {@code jnetfs mount -f} in a thread; returns once mounted. */
    private CompletableFuture<Integer> mount(Path export, int port, Path mnt, List<String> extra,
                                             ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        List<String> args = new ArrayList<>(List.of("--aname", export.toString(), "--cache", tmp.resolve("cache").toString(),
                "--uname", "root", "--timeout", "15"));
        args.addAll(extra);
        args.addAll(List.of("mount", "-f", "--attr-timeout", "0", "--entry-timeout", "0.1", "127.0.0.1:" + port + ":/",
                mnt.toString()));
        CompletableFuture<Integer> fg = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("jnetfs-mount-f").start(() -> fg.complete(Main.run(out, err,
                args.toArray(String[]::new))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString(StandardCharsets.UTF_8).contains("mounted ") && !fg.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("fuse.jnetfs", Mounts.typeOf(mnt), out.toString(StandardCharsets.UTF_8) + err);
        return fg;
    }

    private static void unmount(Path mnt, CompletableFuture<Integer> fg) throws Exception {
        try {
            Mounts.unmount(mnt, false);
            fg.get(30, TimeUnit.SECONDS);
        } finally {
            if (Mounts.typeOf(mnt) != null) {
                Mounts.unmount(mnt, true);
            }
        }
    }

    @Test
    void programsOnTheMountSeeNoErrorAcrossAServerRestart() throws Exception {
        MountCommandTest.requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        byte[] first = new byte[1 << 20];
        byte[] second = new byte[1 << 20];
        new Random(1).nextBytes(first);
        new Random(2).nextBytes(second);
        P9Server s = serve(export, 0);
        int port = s.port();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> fg = null;
        try {
            fg = mount(export, port, mnt, List.of(), out, err);
            try (FileChannel ch = FileChannel.open(mnt.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                assertEquals(first.length, ch.write(ByteBuffer.wrap(first), 0));
                ch.force(true);
                s.close(); // the server goes away under the open file, and comes back 500 ms later
                CompletableFuture<P9Server> back = new CompletableFuture<>();
                // its own thread: the common pool may have one thread, and the mount holds it
                Thread.ofPlatform().daemon().name("server-back").start(() -> {
                    try {
                        Thread.sleep(500);
                        back.complete(serve(export, port));
                    } catch (IOException | InterruptedException | RuntimeException e) {
                        back.completeExceptionally(e);
                    }
                });
                Files.writeString(export.resolve("made-meanwhile"), "on the server\n");
                assertEquals(second.length, ch.write(ByteBuffer.wrap(second), first.length));
                ch.force(true); // waits for the server, then the bytes are on it
                s = back.get(30, TimeUnit.SECONDS);
                assertEquals("on the server\n", Files.readString(mnt.resolve("made-meanwhile")), "a lookup after the restart");
                Files.createDirectory(mnt.resolve("d"));
                Files.writeString(mnt.resolve("d/g"), "after the restart\n");
            }
            byte[] want = new byte[first.length + second.length];
            System.arraycopy(first, 0, want, 0, first.length);
            System.arraycopy(second, 0, want, first.length, second.length);
            assertArrayEquals(want, Files.readAllBytes(export.resolve("f")), "every fsynced byte on the server");
            assertArrayEquals(want, Files.readAllBytes(mnt.resolve("f")));
            assertEquals("after the restart\n", Files.readString(export.resolve("d/g")));
        } finally {
            if (fg != null) {
                unmount(mnt, fg);
            }
            s.close();
        }
    }

    @Test
    void withNoReconnectTheMountFailsForGood() throws Exception {
        MountCommandTest.requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        P9Server s = serve(export, 0);
        int port = s.port();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> fg = null;
        try {
            fg = mount(export, port, mnt, List.of("--no-reconnect"), out, err);
            Files.writeString(mnt.resolve("before"), "x");
            s.close();
            s = serve(export, port); // back at once: without recovery it does not help
            Files.writeString(export.resolve("after"), "on the server\n");
            assertThrows(IOException.class, () -> Files.readString(mnt.resolve("after")),
                    "a lookup on the lost connection fails");
        } finally {
            if (fg != null) {
                unmount(mnt, fg);
            }
            s.close();
        }
        assertTrue(Files.exists(export.resolve("before")));
    }
}
