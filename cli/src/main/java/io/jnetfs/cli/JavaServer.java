package io.jnetfs.cli;

import io.jnetfs.p9.server.P9Server;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The demo's default server: jnetfs's own 9P2000.L server, in this JVM, on 127.0.0.1, msize 1 MiB. */
final class JavaServer implements DemoServer {
    private final P9Server server;

    private JavaServer(P9Server server) {
        this.server = server;
    }

    static JavaServer start(Path export, PrintWriter log) throws CommandFailure {
        try {
            P9Server s = P9Server.builder(export).listen("127.0.0.1", 0).msize(P9Server.DEFAULT_MSIZE).build().start();
            return new JavaServer(s);
        } catch (IOException | RuntimeException e) {
            throw CommandFailure.of("jnetfs serve " + export, e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public String aname() {
        return server.root().toString();
    }

    @Override
    public String describe() {
        return "jnetfs serve (in this JVM) on " + server.host() + ":" + server.port() + " exporting " + server.root()
                + ", msize " + server.msize();
    }

    @Override
    public void close() {
        server.close();
    }
}
