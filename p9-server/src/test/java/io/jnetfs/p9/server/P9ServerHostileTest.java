package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Type;
import io.jnetfs.p9.Qid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients nobody should write: broken framing, truncated strings, thousands of fids, walks and
 * creations that try to leave the exported directory, half-open and idle connections, too many
 * connections, a read-only export. The server must stay up, keep serving the well-behaved client, and
 * never expose or change a file outside its directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class P9ServerHostileTest {
    /** {@return whether the server under test receives on io_uring ({@link RingP9ServerHostileTest})} */
    boolean ioUring() {
        return false;
    }

    Path base;
    Path export;
    Path outside;
    P9Server server;

    @BeforeEach
    void start() throws IOException {
        base = Files.createTempDirectory("p9-server-hostile-");
        export = Files.createDirectory(base.resolve("export"));
        outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        Files.writeString(export.resolve("inside"), "inside");
        if (ioUring()) {
            io.jnetfs.testkit.Require.feature("io_uring/recv-multishot", P9Server.unavailableIoUringReason());
        }
        server = ServerFixture.builder(export).ioUring(ioUring()).maxFids(1000).messageTimeout(Duration.ofMillis(500))
                .idleTimeout(Duration.ofSeconds(1)).maxConnections(8).build().start();
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        ServerFixture.deleteTree(base);
    }

    /** A well-behaved client still gets its answers. */
    private void stillServes() throws IOException {
        try (P9Client c = ServerFixture.connect(server); Fid f = c.open("inside", P9Flags.P9_DOTL_RDONLY)) {
            assertEquals("inside", new String(c.read(f, 0, 100)));
        }
    }

    @Test
    void aMessageAboveMsizeClosesOnlyItsConnection() throws IOException {
        try (P9Client good = ServerFixture.connect(server); RawClient bad = new RawClient(server.port())) {
            bad.handshake(8192, "");
            long before = server.stats().protocolErrors();
            bad.sendRaw(new RawClient.Msg(P9Type.Twalk, 2).u32(0).u32(1).u16(0).size(8193).encode());
            assertTrue(bad.closedByServer());
            assertEquals(before + 1, server.stats().protocolErrors());
            try (Fid f = good.open("inside", P9Flags.P9_DOTL_RDONLY)) {
                assertEquals("inside", new String(good.read(f, 0, 100)));
            }
        }
    }

    @Test
    void aHugeSizeAllocatesNothingAndCloses() throws IOException {
        try (RawClient bad = new RawClient(server.port())) {
            bad.handshake(1 << 20, "");
            bad.sendRaw(new RawClient.Msg(P9Type.Twrite, 2).u32(0).u64(0).u32(Integer.MAX_VALUE).size(-1).encode());
            assertTrue(bad.closedByServer());
        }
        try (RawClient bad = new RawClient(server.port())) {
            bad.sendRaw(new RawClient.Msg(P9Type.Tversion, 0xFFFF).u32(8192).str("9P2000.L").size(1 << 30).encode());
            assertTrue(bad.closedByServer(), "even Tversion is bounded");
        }
        stillServes();
    }

    @Test
    void messagesBeforeTversionCloseTheConnection() throws IOException {
        try (RawClient bad = new RawClient(server.port())) {
            bad.send(new RawClient.Msg(P9Type.Tattach, 1).u32(0).u32(-1).str("root").str("").u32(0));
            assertTrue(bad.closedByServer());
        }
        stillServes();
    }

    @Test
    void aTwriteWhoseCountDisagreesWithItsSizeCloses() throws IOException {
        try (RawClient bad = new RawClient(server.port())) {
            bad.handshake(8192, "");
            bad.send(new RawClient.Msg(P9Type.Twrite, 2).u32(0).u64(0).u32(100).bytes(new byte[10]));
            assertTrue(bad.closedByServer());
        }
        stillServes();
    }

    @Test
    void malformedBodiesAreAnsweredWithEproto() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.handshake(65536, "");
            // a name whose length runs past the message
            RawClient.Reply r = c.call(new RawClient.Msg(P9Type.Twalk, 2).u32(0).u32(1).u16(1).u16(200).bytes("ab".getBytes()));
            assertEquals(Errno.EPROTO, r.errno());
            assertEquals(2, r.tag());
            // bytes after the last field
            r = c.call(new RawClient.Msg(P9Type.Tclunk, 3).u32(77).u32(0));
            assertEquals(Errno.EPROTO, r.errno());
            // a field missing
            r = c.call(new RawClient.Msg(P9Type.Tgetattr, 4).u32(0));
            assertEquals(Errno.EPROTO, r.errno());
            // more than MAXWELEM names
            RawClient.Msg many = new RawClient.Msg(P9Type.Twalk, 5).u32(0).u32(1).u16(17);
            for (int i = 0; i < 17; i++) {
                many.str("x");
            }
            assertEquals(Errno.EINVAL, c.call(many).errno());
            // types the server does not do
            assertEquals(Errno.EOPNOTSUPP, c.call(new RawClient.Msg(P9Type.Txattrwalk, 6).u32(0).u32(1).str("user.x")).errno());
            assertEquals(Errno.EOPNOTSUPP, c.call(new RawClient.Msg(255, 7).u32(0)).errno());
            assertEquals(Errno.EOPNOTSUPP, c.call(new RawClient.Msg(P9Type.Rread, 8).u32(0)).errno());
            // a name longer than any file system allows, in a message larger than a request slot
            r = c.call(new RawClient.Msg(P9Type.Twalk, 9).u32(0).u32(1).u16(1).str("n".repeat(10_000)));
            assertEquals(Errno.ENAMETOOLONG, r.errno());
            r = c.call(new RawClient.Msg(P9Type.Twalk, 10).u32(0).u32(1).u16(1).str("n".repeat(256)));
            assertEquals(Errno.ENAMETOOLONG, r.errno());
            // and the connection is still in step
            r = c.call(new RawClient.Msg(P9Type.Tgetattr, 11).u32(0).u64(P9Flags.P9_GETATTR_BASIC));
            assertEquals(P9Type.Rgetattr, r.type());
            assertEquals(11, r.tag());
        }
    }

    @Test
    void thousandsOfFidsHitTheLimit() throws IOException {
        try (P9Client c = ServerFixture.connect(server)) {
            List<Fid> fids = new ArrayList<>();
            for (int i = 1; i < 1000; i++) { // the root is the first of 1000
                fids.add(c.walk(c.root()));
            }
            P9Exception e = assertThrows(P9Exception.class, () -> c.walk(c.root()));
            assertEquals("EMFILE", e.errnoName());
            fids.remove(0).close();
            fids.add(c.walk(c.root()));
            for (Fid f : fids) {
                f.close();
            }
        }
        stillServes();
    }

    @Test
    void dotDotStopsAtTheRoot() throws IOException {
        try (P9Client c = ServerFixture.connect(server)) {
            Qid root = c.root().qid();
            try (Fid up = c.walk(c.root(), "..", "..", "..")) {
                assertEquals(root.path(), up.qid().path(), ".. of the root is the root");
            }
            assertEquals("ENOENT", assertThrows(P9Exception.class,
                    () -> c.walk(c.root(), "..", "outside", "secret")).errnoName());
            Files.createDirectories(export.resolve("a/b"));
            try (Fid b = c.walk(c.root(), "a", "b"); Fid back = c.walk(b, "..", "..", "..", "..", "inside")) {
                c.lopen(back, P9Flags.P9_DOTL_RDONLY);
                assertEquals("inside", new String(c.read(back, 0, 100)));
            }
        }
    }

    @Test
    void symbolicLinksNeverLeadOut() throws IOException {
        Files.createSymbolicLink(export.resolve("abs"), outside);
        Files.createSymbolicLink(export.resolve("rel"), Path.of("../outside"));
        Files.createSymbolicLink(export.resolve("file"), outside.resolve("secret"));
        Files.createSymbolicLink(export.resolve("dangling"), Path.of("../outside/new"));
        Files.createSymbolicLink(export.resolve("inner"), Path.of("inside"));
        try (P9Client c = ServerFixture.connect(server)) {
            for (String l : new String[] {"abs", "rel"}) {
                try (Fid f = c.walk(c.root(), l)) {
                    assertTrue(f.qid().isSymlink(), "a walk stops at the link itself");
                }
                assertEquals("ENOTDIR", assertThrows(P9Exception.class, () -> c.walk(c.root(), l, "secret")).errnoName());
            }
            try (Fid f = c.walk(c.root(), "file")) {
                assertEquals(outside.resolve("secret").toString(), c.readlink(f), "the target is told, not followed");
                assertEquals("EXDEV", assertThrows(P9Exception.class, () -> c.lopen(f, P9Flags.P9_DOTL_RDONLY)).errnoName(),
                        "opening a link opens its target only beneath the root");
                assertFalse(c.getattr(f).isRegularFile(), "getattr describes the link");
            }
            // creating through a link that points out of the root is refused
            for (String l : new String[] {"dangling", "file"}) {
                P9Exception e = assertThrows(P9Exception.class, () -> c.create(c.root(), l,
                        P9Flags.P9_DOTL_WRONLY | P9Flags.P9_DOTL_TRUNC, 0644));
                assertEquals("EXDEV", e.errnoName(), l);
            }
            assertFalse(Files.exists(outside.resolve("new")));
            assertEquals("secret", Files.readString(outside.resolve("secret")));
            try (Fid f = c.walk(c.root(), "inner")) {
                c.lopen(f, P9Flags.P9_DOTL_RDONLY);
                assertEquals("inside", new String(c.read(f, 0, 100)), "a link inside the root opens its target");
            }
            // a link inside the root may be created through
            try (Fid f = c.create(c.root(), "inner", P9Flags.P9_DOTL_RDWR, 0644)) {
                assertEquals("inside", new String(c.read(f, 0, 100)));
            }
            // renames, links and removals take single names
            assertEquals("EINVAL", assertThrows(P9Exception.class,
                    () -> c.renameat(c.root(), "inside", c.root(), "../outside/stolen")).errnoName());
            assertEquals("EINVAL", assertThrows(P9Exception.class,
                    () -> c.unlinkat(c.root(), "../outside/secret", 0)).errnoName());
            assertEquals("EINVAL", assertThrows(P9Exception.class, () -> c.mkdir(c.root(), "../evil", 0755)).errnoName());
            // removing the link removes the link only
            c.unlinkat(c.root(), "file", 0);
            assertEquals("secret", Files.readString(outside.resolve("secret")));
        }
        try (var s = Files.list(outside)) {
            assertEquals(1, s.count(), "nothing appeared outside");
        }
    }

    @Test
    void rawWalksWithSlashesAndDotsAreRefused() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.handshake(8192, "");
            assertEquals(Errno.EINVAL, c.call(new RawClient.Msg(P9Type.Twalk, 2).u32(0).u32(1).u16(1)
                    .str("../outside")).errno());
            assertEquals(Errno.EINVAL, c.call(new RawClient.Msg(P9Type.Twalk, 3).u32(0).u32(1).u16(1)
                    .str("/etc")).errno());
            assertEquals(Errno.EINVAL, c.call(new RawClient.Msg(P9Type.Twalk, 4).u32(0).u32(1).u16(1)
                    .str("a\0b")).errno());
            assertEquals(Errno.ENOENT, c.call(new RawClient.Msg(P9Type.Tattach, 5).u32(9).u32(-1).str("root")
                    .str("/etc").u32(0)).errno(), "only the exported directory can be attached");
            assertEquals(Errno.ENOENT, c.call(new RawClient.Msg(P9Type.Tattach, 6).u32(9).u32(-1).str("root")
                    .str("ctl").u32(0)).errno(), "ctl only with --ctl");
        }
    }

    @Test
    void twoFidOperationsWithAnUnknownFidOnEitherSideAreEbadf() throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.handshake(8192, ""); // fid 0: the export's root
            int tag = 10;
            // Trename fid dfid name; Trenameat olddirfid oldname newdirfid newname; Tlink dfid fid name
            assertEquals(Errno.EBADF, c.call(new RawClient.Msg(P9Type.Trename, tag++).u32(77).u32(0).str("x")).errno());
            assertEquals(Errno.EBADF, c.call(new RawClient.Msg(P9Type.Trename, tag++).u32(0).u32(77).str("x")).errno());
            assertEquals(Errno.EBADF, c.call(new RawClient.Msg(P9Type.Trenameat, tag++).u32(77).str("a").u32(0)
                    .str("b")).errno());
            assertEquals(Errno.EBADF, c.call(new RawClient.Msg(P9Type.Trenameat, tag++).u32(0).str("a").u32(77)
                    .str("b")).errno());
            assertEquals(Errno.EBADF, c.call(new RawClient.Msg(P9Type.Tlink, tag++).u32(77).u32(0).str("x")).errno());
            assertEquals(Errno.EBADF, c.call(new RawClient.Msg(P9Type.Tlink, tag++).u32(0).u32(77).str("x")).errno());
            // the root fid is untouched by the failed calls
            assertEquals(P9Type.Rclunk, c.call(new RawClient.Msg(P9Type.Tclunk, tag).u32(0)).type());
        }
        stillServes();
    }

    @Test
    void halfOpenAndIdleConnectionsAreClosed() throws Exception {
        try (RawClient half = new RawClient(server.port()); RawClient idle = new RawClient(server.port())) {
            half.handshake(8192, "");
            idle.handshake(8192, "");
            half.sendRaw(new byte[] {30, 0, 0}); // three bytes of a header, then nothing
            long t0 = System.nanoTime();
            assertTrue(half.closedByServer(), "a message begun must arrive within the message timeout");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
            stillServes();
            assertTrue(idle.closedByServer(), "a silent connection is closed after the idle timeout");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.stats().open() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.stats().open());
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                open.add(new RawClient(server.port()).handshake(8192, ""));
            }
            try (RawClient ninth = new RawClient(server.port())) {
                assertTrue(ninth.closedByServer());
            }
            assertEquals(1, server.stats().refused());
            open.remove(0).close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.stats().open() > 7 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            stillServes();
        } finally {
            for (RawClient c : open) {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void tflushIsAnsweredAfterTheReplyItCancels(int workers) throws IOException {
        Files.write(export.resolve("data"), new byte[300_000]);
        try (P9Server s = ServerFixture.builder(export).workers(workers).build().start();
             RawClient c = new RawClient(s.port())) {
            c.handshake(1 << 20, "");
            assertEquals(P9Type.Rwalk, c.call(new RawClient.Msg(P9Type.Twalk, 1).u32(0).u32(1).u16(1).str("data")).type());
            assertEquals(P9Type.Rlopen, c.call(new RawClient.Msg(P9Type.Tlopen, 1).u32(1).u32(0)).type());
            for (int round = 0; round < 20; round++) {
                c.send(new RawClient.Msg(P9Type.Tread, 5).u32(1).u64(0).u32(300_000),
                        new RawClient.Msg(P9Type.Tflush, 6).u16(5),
                        new RawClient.Msg(P9Type.Tflush, 7).u16(999));
                List<Integer> order = new ArrayList<>();
                while (!order.contains(6) || !order.contains(7)) {
                    RawClient.Reply r = c.receive();
                    order.add(r.tag());
                    if (r.tag() == 5) {
                        assertEquals(P9Type.Rread, r.type());
                        assertEquals(300_000, r.body().getInt(0));
                    } else {
                        assertEquals(P9Type.Rflush, r.type());
                    }
                }
                // the read was either answered before its Rflush, or dropped before it started; the
                // Rflush of an unknown tag may come at any point
                assertTrue(order.size() == 2 || order.size() == 3 && order.indexOf(5) < order.indexOf(6),
                        "round " + round + ": " + order);
                if (workers == 0) {
                    assertEquals(List.of(5, 6, 7), order, "one request at a time: the read is done before the Tflush is read");
                }
            }
            assertEquals(P9Type.Rclunk, c.call(new RawClient.Msg(P9Type.Tclunk, 8).u32(1)).type(), "still in step");
        }
    }

    @Test
    void aReadOnlyExportRefusesEveryChange() throws IOException {
        Files.createDirectory(export.resolve("d"));
        try (P9Server ro = ServerFixture.builder(export).readOnly(true).build().start();
             P9Client c = ServerFixture.connect(ro)) {
            Fid root = c.root();
            List<String> errnos = new ArrayList<>();
            errnos.add(errno(() -> c.create(root, "new", P9Flags.P9_DOTL_WRONLY, 0644)));
            errnos.add(errno(() -> c.mkdir(root, "nd", 0755)));
            errnos.add(errno(() -> c.symlink(root, "sl", "inside")));
            errnos.add(errno(() -> c.renameat(root, "inside", root, "moved")));
            errnos.add(errno(() -> c.unlinkat(root, "inside", 0)));
            errnos.add(errno(() -> c.open("inside", P9Flags.P9_DOTL_WRONLY)));
            errnos.add(errno(() -> c.open("inside", P9Flags.P9_DOTL_RDONLY | P9Flags.P9_DOTL_TRUNC)));
            try (Fid f = c.walk(root, "inside")) {
                errnos.add(errno(() -> c.link(root, f, "hard")));
                errnos.add(errno(() -> c.chmod(f, 0777)));
                errnos.add(errno(() -> c.truncate(f, 0)));
            }
            errnos.add(errno(() -> c.remove(c.walk(root, "d"))));
            assertEquals(List.of("EROFS", "EROFS", "EROFS", "EROFS", "EROFS", "EROFS", "EROFS", "EROFS", "EROFS",
                    "EROFS", "EROFS"), errnos);
            try (Fid f = c.open("inside", P9Flags.P9_DOTL_RDONLY)) {
                assertArrayEquals("inside".getBytes(), c.read(f, 0, 100));
            }
            assertEquals(2, c.readdir(root).size() - 2, "inside and d");
        }
        assertEquals("inside", Files.readString(export.resolve("inside")));
        assertTrue(Files.isDirectory(export.resolve("d")));
    }

    private interface Call {
        void run() throws IOException;
    }

    private static String errno(Call c) {
        try {
            c.run();
            return "ok";
        } catch (P9Exception e) {
            return e.errnoName();
        } catch (IOException e) {
            return e.toString();
        }
    }
}
