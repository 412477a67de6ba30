package io.jnetfs.p9.nio;

import io.jnetfs.peers.Diod;
import io.jnetfs.p9.server.P9Server;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The servers these tests talk to, on 127.0.0.1 only: {@code jnetfs serve} ({@link P9Server} in this
 * JVM, on a free port) and diod. The one place that knows how diod is started (today the p9 test-jar's
 * {@link Diod}): switching to another fixture changes this file only.
 */
final class Peers {
    static final String HOST = "127.0.0.1";

    private Peers() {
    }

    /** Starts a server exporting a directory. */
    @FunctionalInterface
    interface PeerFactory {
        /**
         * @param export the directory to export
         * @return the running server, which the caller closes
         */
        Peer start(java.nio.file.Path export) throws IOException;
    }

    /** A running server exporting a directory, and the environment that attaches to it. */
    interface Peer extends AutoCloseable {
        /** @return the server's name in test names: "jnetfs serve" or "diod" */
        String name();

        /** @return the port on 127.0.0.1 */
        int port();

        /** @return the environment of newFileSystem: aname, uname, nUname */
        Map<String, Object> env();

        /** @return the URI of the file system: p9://127.0.0.1:PORT/ */
        default URI uri() {
            return URI.create("p9://" + HOST + ":" + port() + "/");
        }

        /**
         * Opens a file system on this server.
         *
         * @param extra environment keys beyond {@link #env()}
         * @return the file system, which the caller closes
         */
        default P9FileSystem open(Map<String, ?> extra) throws IOException {
            Map<String, Object> env = new HashMap<>(env());
            env.putAll(extra);
            return (P9FileSystem) FileSystems.newFileSystem(uri(), env);
        }

        @Override
        void close();
    }

    /** {@code jnetfs serve} in this JVM, exporting {@code export}. */
    static Peer jnetfsServe(Path export) throws IOException {
        P9Server s = P9Server.builder(export).listen(HOST, 0).build().start();
        String aname = export.toRealPath().toString();
        return new Peer() {
            @Override
            public String name() {
                return "jnetfs serve";
            }

            @Override
            public int port() {
                return s.port();
            }

            @Override
            public Map<String, Object> env() {
                return Map.of("aname", aname, "uname", "root", "nUname", 0);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** diod exporting {@code export}; skips (or fails, where the run requires diod) where there is none. */
    static Peer diod(Path export) throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        Diod d = Diod.start(export);
        return new Peer() {
            @Override
            public String name() {
                return "diod";
            }

            @Override
            public int port() {
                return d.port();
            }

            @Override
            public Map<String, Object> env() {
                return Map.of("aname", d.aname(), "uname", d.uname(), "nUname", Integer.toString(d.nUname()));
            }

            @Override
            public void close() {
                d.close();
            }
        };
    }
}
