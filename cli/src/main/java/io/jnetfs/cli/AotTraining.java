package io.jnetfs.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The training run of the AOT cache that {@code make build} leaves beside the jar
 * ({@code .ci/aot-train}: {@code java -XX:AOTCacheOutput=cli/target/jnetfs.aot -cp jnetfs.jar
 * io.jnetfs.cli.AotTraining}, JEP 483/514/515). In one JVM it runs the commands scripts run most, as
 * {@link Main#run} runs them for {@code bin/jnetfs}: {@code serve} (on loopback, a free port, exporting a
 * temporary directory), {@code --help}, {@code stat}, {@code ls}, small and large {@code cat} with and
 * without the disk cache and over both transports, {@code cp} both ways, {@code mkdir}, {@code mv},
 * {@code rm}, {@code stats}, {@code cache}, {@code extents}, the usual mistakes (a missing file, an
 * unknown option) and the demo's engine. The classes they load and link, the lambdas and method
 * handles they resolve and the profiles of the methods they run go into the cache, so a later
 * {@code bin/jnetfs} starts with them instead of finding them again.
 *
 * <p>Exits 0 when every command gave the exit code expected of it, 1 otherwise (then the cache would
 * train on a broken command, and {@code make build} fails).
 */
public final class AotTraining {
    /** The large file's size: enough rounds of the read and write paths for C2 to profile them. */
    private static final int LARGE = 48 << 20;
    /** Rounds of the data commands. */
    private static final int ROUNDS = 3;

    private final Path dir;
    private final String url;
    private final List<String> common;
    private final List<String> failures = new ArrayList<>();

    private AotTraining(Path dir, String url) {
        this.dir = dir;
        this.url = url;
        this.common = List.of("--cache", dir.resolve("cache").toString());
    }

    /**
     * Runs the training and exits.
     *
     * @param args none
     * @throws Exception when the temporary files or the server cannot be set up
     */
    public static void main(String[] args) throws Exception {
        ConsoleLog.install(new java.io.PrintStream(OutputStream.nullOutputStream())); // as Main.main does
        Path dir = Files.createTempDirectory("jnetfs-aot-train-");
        int code;
        try {
            code = train(dir);
        } finally {
            removeTree(dir);
        }
        System.exit(code); // the server's threads are still running
    }

    private static int train(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("export/tree/sub"));
        Files.createDirectories(dir.resolve("local"));
        Files.writeString(dir.resolve("export/small"), "abc");
        Files.writeString(dir.resolve("export/tree/a"), "a\n");
        Files.writeString(dir.resolve("export/tree/sub/b"), "b\n");
        byte[] data = new byte[LARGE];
        new SplittableRandom(24).nextBytes(data);
        Files.write(dir.resolve("local/large"), data);

        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path root = dir.resolve("export");
        Thread serve = new Thread(() -> Main.run(OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                "serve", "--listen", "127.0.0.1:" + port, root.toString()), "jnetfs-aot-train-serve");
        serve.setDaemon(true);
        serve.start();
        awaitListening(port);

        AotTraining t = new AotTraining(dir, "9p://127.0.0.1:" + port);
        t.commands();
        if (!t.failures.isEmpty()) {
            System.err.println("jnetfs AOT training: " + t.failures.size() + " command(s) failed:");
            t.failures.forEach(f -> System.err.println("  " + f));
            return 1;
        }
        return 0;
    }

    private void commands() throws IOException {
        String local = dir.resolve("local").toString();
        run(ExitCodes.OK, "--help");
        run(ExitCodes.OK, "--version");
        run(ExitCodes.OK, "cat", "--help");
        run(ExitCodes.USAGE, "--no-such-option");
        run(ExitCodes.USAGE, "cat");
        run(ExitCodes.USAGE);
        for (int round = 0; round < ROUNDS; round++) {
            run(ExitCodes.OK, "stat", url + "/small");
            run(ExitCodes.OK, "stat", local + "/large");
            run(ExitCodes.OK, "ls", url + "/");
            run(ExitCodes.OK, "ls", "-l", url + "/tree");
            run(ExitCodes.OK, "ls", local);
            run(ExitCodes.OK, "cat", url + "/small");
            run(ExitCodes.OK, "--no-cache", "cat", url + "/small");
            run(ExitCodes.OK, "--no-io-uring", "stat", url + "/small");
            run(ExitCodes.OK, "--no-io-uring", "--no-cache", "cat", url + "/tree/a");
            run(ExitCodes.NOT_FOUND, "stat", url + "/missing");
            run(ExitCodes.NOT_FOUND, "cat", url + "/missing");
            // cp both ways; cat of the large file cold (filling the cache), warm, and without the cache
            run(ExitCodes.OK, "cp", local + "/large", url + "/large");
            run(ExitCodes.OK, "cp", url + "/large", local + "/copy");
            run(ExitCodes.OK, "cache", "clear");
            run(ExitCodes.OK, "cat", url + "/large");
            run(ExitCodes.OK, "cat", url + "/large");
            run(ExitCodes.OK, "--no-cache", "cat", url + "/large");
            run(ExitCodes.OK, "cp", "-r", url + "/tree", local + "/tree" + round);
            run(ExitCodes.OK, "cp", "-r", local + "/tree" + round, url + "/tree" + round);
            run(ExitCodes.OK, "mkdir", "-p", url + "/made/deeper");
            run(ExitCodes.OK, "mv", url + "/tree" + round, url + "/made/moved");
            run(ExitCodes.OK, "rm", "-r", url + "/made");
            run(ExitCodes.OK, "stats");
            run(ExitCodes.OK, "cache");
            run(ExitCodes.OK, "extents", local + "/large");
            run(ExitCodes.OK, "rm", url + "/large");
        }
        run(ExitCodes.OK, "demo", "--size", "32M");
    }

    private void run(int expected, String... args) {
        List<String> line = new ArrayList<>(common);
        line.addAll(List.of(args));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(OutputStream.nullOutputStream(), err, line.toArray(String[]::new));
        if (code != expected) {
            failures.add("jnetfs " + String.join(" ", line) + ": exit " + code + " (expected " + expected + "): "
                    + err.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static void awaitListening(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("jnetfs serve did not listen on 127.0.0.1:" + port + " within 30 s", e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static void removeTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
