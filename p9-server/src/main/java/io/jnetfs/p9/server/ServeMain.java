package io.jnetfs.p9.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code jnetfs serve} as a plain {@code main}: serves a directory until the process is stopped
 * (SIGINT, SIGTERM).
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... io.jnetfs.p9.server.ServeMain DIR
 *     [--listen 127.0.0.1:5640] [--read-only] [--msize N] [--ctl]
 *     [--workers N] [--idle-timeout SECONDS] [--max-connections N] [--no-splice] [--io-uring]
 * </pre>
 *
 * Once listening it prints one line to standard output, {@code serving DIR on HOST:PORT ...} (with
 * the port the kernel chose for {@code --listen HOST:0}). Exit status: 0 after a stop, 1 if the server
 * cannot start, 2 for bad arguments.
 */
public final class ServeMain {
    private ServeMain() {
    }

    /**
     * Parses the arguments, starts the server and waits until the JVM is told to stop.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        P9Server.Builder b;
        try {
            b = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("jnetfs serve: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        if (b == null) {
            usage(System.out);
            return;
        }
        P9Server server;
        try {
            server = b.build().start();
        } catch (IOException | RuntimeException e) {
            System.err.println("jnetfs serve: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "p9-server-shutdown"));
        System.out.println("serving " + server.root() + " on " + server.host() + ":" + server.port()
                + (server.readOnly() ? " read-only" : "") + ", msize " + server.msize());
        System.out.flush();
        try {
            server.awaitClose();
        } catch (InterruptedException e) {
            server.close();
        }
    }

    /**
     * Parses the command line into a builder.
     *
     * @param args see the class comment
     * @return the builder, or null for {@code --help}
     * @throws IllegalArgumentException naming the bad argument
     */
    static P9Server.Builder parse(String[] args) {
        Path dir = null;
        String host = P9Server.DEFAULT_HOST;
        int port = P9Server.DEFAULT_PORT;
        boolean readOnly = false;
        boolean ctl = false;
        Integer msize = null;
        Integer workers = null;
        boolean splice = true;
        boolean ioUring = false;
        Integer maxConnections = null;
        Duration idle = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--read-only" -> readOnly = true;
                case "--no-splice" -> splice = false;
                case "--io-uring" -> ioUring = true;
                case "--ctl" -> ctl = true;
                case "--listen" -> {
                    String v = value(args, ++i, a);
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("invalid --listen=" + v + " (HOST:PORT)");
                    }
                    host = v.substring(0, colon);
                    port = number(v.substring(colon + 1), "--listen port");
                }
                case "--msize" -> msize = number(value(args, ++i, a), a);
                case "--workers" -> workers = number(value(args, ++i, a), a);
                case "--max-connections" -> maxConnections = number(value(args, ++i, a), a);
                case "--idle-timeout" -> idle = Duration.ofSeconds(number(value(args, ++i, a), a));
                default -> {
                    if (a.startsWith("-") || dir != null) {
                        throw new IllegalArgumentException("unknown argument: " + a);
                    }
                    dir = Path.of(a);
                }
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("no directory given");
        }
        P9Server.Builder b = P9Server.builder(dir).listen(host, port).readOnly(readOnly).ctl(ctl).splice(splice).ioUring(ioUring);
        if (msize != null) {
            b.msize(msize);
        }
        if (workers != null) {
            b.workers(workers);
        }
        if (maxConnections != null) {
            b.maxConnections(maxConnections);
        }
        if (idle != null) {
            b.idleTimeout(idle);
        }
        return b;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + what + "=" + s);
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: jnetfs serve DIR [--listen 127.0.0.1:5640] [--read-only] [--msize N] [--ctl]");
        out.println("                        [--workers N] [--idle-timeout SECONDS] [--max-connections N]");
        out.println("                        [--no-splice] [--io-uring]");
    }
}
