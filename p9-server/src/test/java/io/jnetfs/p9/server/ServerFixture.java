package io.jnetfs.p9.server;

import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;

/** Helpers shared by the server tests: a server on a free loopback port, clients, test data. */
final class ServerFixture {
    static final String HOST = "127.0.0.1";

    private ServerFixture() {
    }

    /** A builder serving {@code root} on a free loopback port with short timeouts for tests. */
    static P9Server.Builder builder(Path root) {
        return P9Server.builder(root).listen(HOST, 0);
    }

    /** Client options for {@code server}, attaching its directory. */
    static P9Options.Builder options(P9Server server) {
        return P9Options.builder(HOST, server.port()).aname(server.root().toString()).uname("root").nUname(0);
    }

    static P9Client connect(P9Server server) throws IOException {
        return P9Client.connect(options(server).build());
    }

    static byte[] bytes(long seed, int len) {
        byte[] a = new byte[len];
        new SplittableRandom(seed).nextBytes(a);
        return a;
    }

    /** Deletes a directory tree (test cleanup). */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
