package io.jnetfs.cli;

import io.jnetfs.p9.TransportKind;
import io.jnetfs.p9.server.P9Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs serve DIR}: serves a directory over 9P2000.L with jnetfs's own zero-copy server until
 * the process is stopped (Ctrl-C, SIGTERM). {@code --no-splice} copies Rread data through buffers; the
 * common {@code --io-uring} makes connections receive on io_uring.
 */
@Command(name = "serve", description = {"Serve DIR over 9P2000.L (jnetfs's own zero-copy server) until stopped.",
    "Loopback by default; a warning is printed when listening elsewhere. Clients attach with aname DIR (or \"\")."})
final class ServeCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to export.")
    Path dir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where to listen (default 127.0.0.1:5640).")
    String listen = P9Server.DEFAULT_HOST + ":" + P9Server.DEFAULT_PORT;

    @Option(names = "--read-only", description = "Refuse every change to the export.")
    boolean readOnly;

    @Option(names = "--ctl", description = "Also serve aname \"ctl\" with diod's synthetic zero and null files (for diodload).")
    boolean ctl;

    @Option(names = "--no-splice", description = {"Copy every Rread's data through a buffer (preadv2 + sendmsg)",
        "instead of splicing the file's pages to the socket."})
    boolean noSplice;

    /**
     * The server this command line asks for (not started), for {@link #execute} and tests.
     *
     * @param ioUring the common {@code --io-uring} given: connections receive on io_uring (multishot
     *     receive into a provided buffer ring; where the kernel refuses, with recvmsg). Without it
     *     (or with {@code --no-io-uring}) they receive with recvmsg
     */
    P9Server.Builder builder(String host, int port, int msize, boolean ioUring) {
        return P9Server.builder(dir.toAbsolutePath()).listen(host, port).readOnly(readOnly).msize(msize).ctl(ctl)
                .splice(!noSplice).ioUring(ioUring);
    }

    /** What the serving line says of the transport: {@code ", no splice"}, {@code ", io_uring receive"}... */
    String transportSummary(boolean ioUring) {
        String s = noSplice ? ", no splice" : "";
        if (ioUring) {
            String why = P9Server.unavailableIoUringReason();
            s += why == null ? ", io_uring receive" : ", io_uring unavailable (" + why + "): recvmsg";
        }
        return s;
    }

    @Override
    int execute(Run run) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw CommandFailure.of(dir.toString(), new java.nio.file.NotDirectoryException(dir.toString()));
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            throw CommandFailure.usage("invalid --listen=" + listen + " (HOST:PORT)");
        }
        String host = listen.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CommandFailure.usage("invalid --listen=" + listen + " (HOST:PORT)");
        }
        // --msize is the common option: for serve, the largest message granted (the server caps it at 2 MiB)
        int msize = Math.min(run.settings().msize(), P9Server.MAX_MSIZE);
        // the common --io-uring, given explicitly: the server receives on io_uring (its default is recvmsg)
        boolean ioUring = run.settings().transport() == TransportKind.IO_URING;
        P9Server server;
        try {
            server = builder(host, port, msize, ioUring).build().start();
        } catch (IOException e) {
            throw CommandFailure.of("serve " + listen, e);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage(e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "jnetfs-serve-shutdown"));
        run.out().println("serving " + server.root() + " on " + server.host() + ":" + server.port() + " (msize "
                + server.msize() + (readOnly ? ", read-only" : "") + (ctl ? ", ctl" : "") + transportSummary(ioUring) + ")");
        run.out().flush();
        server.awaitClose();
        return ExitCodes.OK;
    }
}
