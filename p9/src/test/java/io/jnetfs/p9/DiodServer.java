package io.jnetfs.p9;

import io.jnetfs.ffm.Native;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code diod} for tests: started on a free 127.0.0.1 port exporting a directory
 * ({@code diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null -L stderr}), waited for until it accepts,
 * and stopped by {@link #close()}. {@link #kill()} and {@link #suspend()} make faults.
 *
 * <p>Two modes, one per test JVM ({@link DiodMode}: the system property {@value DiodMode#PROPERTY} or the
 * environment variable {@value DiodMode#ENV}): a local diod process, or diod in a container started with
 * Testcontainers (host networking, the export bind-mounted at its own path, so tests check the files on
 * this side either way). By default the process where diod is installed, else the container where Docker
 * answers and has the image, else none: the fixture says once on standard output which mode it uses, or
 * why none.
 *
 * <p>Published in the p9 test-jar for other modules' tests. Call {@link #assumeAvailable()} (or
 * {@code assumeTrue(DiodServer.available(), DiodServer::unavailableReason)}) to skip where there is no diod.
 */
public final class DiodServer implements AutoCloseable {
    /** Where Debian installs diod. */
    public static final Path DIOD = Path.of("/usr/sbin/diod");
    /** Where Debian installs diodcat. */
    public static final Path DIODCAT = Path.of("/usr/sbin/diodcat");
    /** A reason to skip with where {@link #available()} is false; {@link #unavailableReason()} says more. */
    public static final String UNAVAILABLE =
            "no diod: neither /usr/sbin/diod (apt-get install diod) nor a Docker engine with the diod image (docker/)";
    /** Loopback only, ever. */
    public static final String HOST = "127.0.0.1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What a mode provides: one running diod on a port the fixture chose. Implementations close
     * idempotently and leave nothing running.
     */
    sealed interface Backend permits DiodProcess, DiodContainer {
        /** @return whether diod still runs */
        boolean isAlive();

        /** @return diod's process id on this machine, -1 where unknown */
        long pid();

        /** @return what diod logged so far */
        String log();

        /** Kills diod with SIGKILL and waits for it to exit. */
        void kill();

        /** Stops every diod thread; connections stay open, nothing is answered. */
        void suspend() throws IOException;

        /** Undoes {@link #suspend()}. */
        void resume() throws IOException;

        /** Stops diod and releases what the mode holds. Idempotent. */
        void close();

        /** @return a short description for {@link DiodServer#toString()} */
        String describe();
    }

    /** The mode of this JVM, chosen once, and why where there is none. */
    private record Selection(DiodMode mode, String reason) {
        static final Selection INSTANCE = select();

        private static Selection select() {
            DiodMode requested;
            try {
                requested = DiodMode.requested();
            } catch (IllegalArgumentException e) {
                return report(new Selection(null, e.getMessage()), "a bad setting");
            }
            String how = requested == DiodMode.AUTO ? "auto"
                    : "requested by " + DiodMode.PROPERTY + "=" + requested.value();
            return switch (requested) {
                // an explicit mode is a demand: start() fails where it cannot be had
                case PROCESS -> report(new Selection(DiodMode.PROCESS, DiodProcess.unavailableReason()), how);
                case CONTAINER -> report(new Selection(DiodMode.CONTAINER, containerUnavailableReason()), how);
                case AUTO -> {
                    String noProcess = DiodProcess.unavailableReason();
                    if (noProcess == null) {
                        yield report(new Selection(DiodMode.PROCESS, null), how);
                    }
                    String noContainer = containerUnavailableReason();
                    yield report(noContainer == null ? new Selection(DiodMode.CONTAINER, null)
                            : new Selection(null, noProcess + "; no container either: " + noContainer), how);
                }
            };
        }

        private static Selection report(Selection s, String how) {
            if (s.mode == null) {
                System.out.println("diod fixture: no diod (" + how + "), diod tests are skipped: " + s.reason);
            } else if (s.reason != null) {
                System.out.println("diod fixture: mode=" + s.mode.value() + " (" + how + ") is unavailable,"
                        + " diod tests will fail: " + s.reason);
            } else {
                String where = s.mode == DiodMode.PROCESS ? DIOD.toString() : DiodContainer.engine();
                System.out.println("diod fixture: mode=" + s.mode.value() + " (" + how + "): " + where);
            }
            return s;
        }
    }

    /** Probes the container mode without loading Testcontainers where it is not on the class path. */
    private static String containerUnavailableReason() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, DiodServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "Testcontainers is not on this test class path (org.testcontainers:testcontainers, as in p9/pom.xml)";
        }
        return DiodContainer.unavailableReason();
    }

    private final DiodMode mode;
    private final Backend backend;
    private final int port;
    private final Path export;

    private DiodServer(DiodMode mode, Backend backend, int port, Path export) {
        this.mode = mode;
        this.backend = backend;
        this.port = port;
        this.export = export;
    }

    /**
     * @return whether {@link #start} can be called: a mode was chosen (an explicit one always is; whether
     *     it works, start tells)
     */
    public static boolean available() {
        return Selection.INSTANCE.mode != null;
    }

    /** @return why there is no diod (or why the requested mode cannot work), null where there is one */
    public static String unavailableReason() {
        return Selection.INSTANCE.reason;
    }

    /** @return the mode this JVM's diods run in, null where there is none */
    public static DiodMode selectedMode() {
        return Selection.INSTANCE.mode;
    }

    /** Skips the calling test (a JUnit assumption) with the reason where there is no diod. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), () -> "no diod: " + unavailableReason());
    }

    /**
     * Starts diod in the selected mode exporting {@code export} on a free loopback port and waits until it
     * accepts.
     *
     * @param export an existing directory (an absolute path: it is also the aname)
     * @return the running server, which the caller closes
     * @throws IOException where diod does not come up, or the requested mode cannot be had (the reason)
     */
    public static DiodServer start(Path export) throws IOException {
        Selection s = Selection.INSTANCE;
        if (s.mode == null) {
            throw new IOException("no diod: " + s.reason);
        }
        if (s.reason != null) {
            throw new IOException("diod mode " + s.mode.value() + " is unavailable: " + s.reason);
        }
        Path dir = export.toAbsolutePath();
        IOException last = null;
        // a free port may be taken again before diod binds it: a few tries
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            try {
                Backend b = s.mode == DiodMode.PROCESS ? DiodProcess.start(dir, port, START_TIMEOUT)
                        : DiodContainer.start(dir, port, START_TIMEOUT);
                return new DiodServer(s.mode, b, port, dir);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(HOST, 0));
            return s.getLocalPort();
        }
    }

    /**
     * Connects to 127.0.0.1:{@code port} from this JVM until a connect succeeds (the readiness check of
     * both modes).
     *
     * @throws IOException where {@code alive} turns false or {@code max} passes, with {@code log}
     */
    static void awaitAccepting(int port, Duration max, BooleanSupplier alive, Supplier<String> log) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (!alive.getAsBoolean()) {
                throw new IOException("diod exited before accepting on port " + port + ": " + log.get());
            }
            int fd = SocketTransport.connect(HOST, port, TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(100));
            if (fd >= 0) {
                Native.close(fd);
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("diod on port " + port + " did not accept within " + max + ": " + log.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    /** @return the mode this diod runs in */
    public DiodMode mode() {
        return mode;
    }

    /** @return the loopback address diod listens on */
    public String host() {
        return HOST;
    }

    /** @return the port diod listens on */
    public int port() {
        return port;
    }

    /** @return the exported directory (the same path in the container) */
    public Path export() {
        return export;
    }

    /** @return the aname to attach: the exported path */
    public String aname() {
        return export.toString();
    }

    /** @return diod's process id on this machine (in a container: as the host sees it) */
    public long pid() {
        return backend.pid();
    }

    /** @return options to connect as root (uname "root", n_uname 0) to the export */
    public P9Options.Builder options() {
        return P9Options.builder(HOST, port).aname(aname()).uname("root").nUname(0);
    }

    /** @return a client with {@link #options()}, which the caller closes */
    public P9Client connect() throws IOException {
        return P9Client.connect(options().build());
    }

    /** @return what diod logged so far */
    public String log() {
        return backend.log();
    }

    /** Kills diod with SIGKILL (a crash: connections reset) and waits for it to exit. */
    public void kill() {
        backend.kill();
    }

    /**
     * Stops diod and waits until every one of its threads is stopped (SIGSTOP; in a container the cgroup
     * freezer): connections stay open but nothing is answered.
     */
    public void suspend() throws IOException {
        backend.suspend();
    }

    /** Resumes a {@link #suspend()}ed diod. */
    public void resume() throws IOException {
        backend.resume();
    }

    /** Stops diod (a suspended one is resumed first) and releases its log or container. Idempotent. */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "diod[" + mode.value() + ", " + backend.describe() + ", " + HOST + ":" + port + ", export=" + export + "]";
    }
}
