package io.jnetfs.mount;

import io.jnetfs.netfs.Netfs;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.server.P9Server;
import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A server exporting a directory (jnetfs serve in this JVM, or diod) on 127.0.0.1, a client attached to
 * it and an engine: what a mount is built on. Closes all of it, server last.
 */
final class Remote implements AutoCloseable {
    final String name;
    final Path export;
    final P9Client client;
    final Netfs netfs;
    final String aname;
    final int port;
    private final AutoCloseable server;

    private Remote(String name, Path export, AutoCloseable server, int port, String aname) throws IOException {
        this.name = name;
        this.export = export;
        this.server = server;
        this.port = port;
        this.aname = aname;
        P9Options o = P9Options.builder("127.0.0.1", port).aname(aname).uname("root").nUname(0)
                .timeout(Duration.ofSeconds(20)).build();
        P9Client c = null;
        try {
            c = P9Client.connect(o);
            this.netfs = new Netfs(Netfs.Config.defaults().withMemory(256L << 20, 128L << 20)
                    .withTimeout(20, TimeUnit.SECONDS));
        } catch (IOException | RuntimeException e) {
            if (c != null) {
                c.close();
            }
            closeQuietly(server);
            throw e;
        }
        this.client = c;
    }

    /** {@code jnetfs serve} of {@code export} in this JVM. */
    static Remote jnetfsServe(Path export) throws IOException {
        P9Server s = P9Server.builder(export).listen("127.0.0.1", 0).build().start();
        return new Remote("jnetfs serve", export, s, s.port(), export.toRealPath().toString());
    }

    /** diod exporting {@code export}; skips (or fails where diod is required) without diod. */
    static Remote diod(Path export) throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        Diod d = Diod.start(export);
        return new Remote("diod", export, d, d.port(), d.aname());
    }

    /** Stops the server now (the connection is lost); {@link #close()} still closes the rest. */
    void stopServer() {
        closeQuietly(server);
    }

    /** {@return the export's identity in cache keys} */
    String serverId() {
        return "9p://127.0.0.1:" + port + "/" + aname;
    }

    @Override
    public void close() {
        try {
            netfs.close();
        } finally {
            client.close();
            closeQuietly(server);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the test's own failure, if any, is the one to see
        }
    }
}
