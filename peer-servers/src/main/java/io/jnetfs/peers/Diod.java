package io.jnetfs.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@code diod}, the 9P2000.L server jnetfs is tested and measured against: started on a free
 * 127.0.0.1 port exporting a directory, waited for until it accepts, stopped by {@link #close()}.
 *
 * <pre>
 *   diod -f -n -l 127.0.0.1:PORT -e DIR -c /dev/null [-e ctl] [-u UID] -L stderr
 *   diod -f -n -l 127.0.0.1:PORT -c RUN/diod.conf     [-e ctl] [-u UID] -L stderr   (read-only export)
 * </pre>
 *
 * <p>Two modes ({@link PeerMode}): a child process of {@code /usr/sbin/diod}, or diod in a container
 * (Testcontainers, host networking on 127.0.0.1, the export bind-mounted at its own path, so the
 * caller checks the files on this side either way). The mode of a JVM is chosen once, by
 * {@value #MODE_PROPERTY} or {@value #MODE_ENV} ({@code process}, {@code container}, {@code auto}, the
 * default): {@code auto} takes the process where diod is installed, else the container where an engine
 * has the image. The fixture says on standard output, once, which mode it uses, or why there is none.
 *
 * <p>One availability rule: {@link #unavailableReason()} is null where {@link #start} can work in this
 * JVM's mode, else the reason. A test passes it to {@code Require.feature(Diod.FEATURE, ...)} (testkit),
 * which skips the test on a laptop and fails it where the run demands diod (CI).
 *
 * <p>Everything a diod is given lives in its own run directory ({@code $TMPDIR/jnetfs-diod-XXXX}: the
 * log, the read-only export's configuration), deleted when it is closed; a diod still open when the JVM
 * exits is closed by a shutdown hook.
 */
public final class Diod implements PeerServer {
    /** The feature name a test requires: {@code Require.feature(Diod.FEATURE, Diod.unavailableReason())}. */
    public static final String FEATURE = "diod";
    /** Where Debian installs diod. */
    public static final Path DIOD = Path.of("/usr/sbin/diod");
    /** The system property that chooses the mode. */
    public static final String MODE_PROPERTY = "jnetfs.diod.mode";
    /** The environment variable that chooses the mode where the property is not set. */
    public static final String MODE_ENV = "JNETFS_DIOD_MODE";
    /** How long a start waits for diod to accept, unless {@link Builder#startTimeout} says otherwise. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** This JVM's mode, chosen once, and why there is none (or why the requested one cannot work). */
    private record Selection(PeerMode mode, String reason) {
        static final Selection INSTANCE = select();

        private static Selection select() {
            PeerMode requested;
            try {
                requested = PeerMode.requested(MODE_PROPERTY, MODE_ENV);
            } catch (IllegalArgumentException e) {
                return report(new Selection(null, e.getMessage()), "a bad setting");
            }
            String how = requested == PeerMode.AUTO ? "auto" : "requested by " + MODE_PROPERTY + "=" + requested.value();
            if (requested != PeerMode.AUTO) {
                return report(new Selection(requested, unavailableReason(requested)), how);
            }
            String noProcess = unavailableReason(PeerMode.PROCESS);
            if (noProcess == null) {
                return report(new Selection(PeerMode.PROCESS, null), how);
            }
            String noContainer = unavailableReason(PeerMode.CONTAINER);
            return report(noContainer == null ? new Selection(PeerMode.CONTAINER, null)
                    : new Selection(null, noProcess + "; no container either: " + noContainer), how);
        }

        private static Selection report(Selection s, String how) {
            if (s.mode == null) {
                System.out.println("diod fixture: no diod (" + how + "): " + s.reason);
            } else if (s.reason != null) {
                System.out.println("diod fixture: mode=" + s.mode.value() + " (" + how + ") is unavailable: " + s.reason);
            } else {
                String where = s.mode == PeerMode.PROCESS ? DIOD.toString() : DiodContainer.engine();
                System.out.println("diod fixture: mode=" + s.mode.value() + " (" + how + "): " + where);
            }
            return s;
        }
    }

    private final PeerMode mode;
    private final Backend backend;
    private final int port;
    private final Path export;
    private final RunDir run;
    private final List<String> command;
    private String lastLog;
    private boolean closed;

    private Diod(PeerMode mode, Backend backend, int port, Path export, RunDir run, List<String> command) {
        this.mode = mode;
        this.backend = backend;
        this.port = port;
        this.export = export;
        this.run = run;
        this.command = command;
    }

    /**
     * The one availability rule, for this JVM's mode.
     *
     * @return null where diod can be started in this JVM's mode, else why not (what to install or start)
     */
    public static String unavailableReason() {
        return Selection.INSTANCE.reason;
    }

    /**
     * The availability rule for one mode, without choosing this JVM's (the demo and the benchmarks ask
     * for a process).
     *
     * @param mode the mode
     * @return null where diod can be started in {@code mode}, else why not
     */
    public static String unavailableReason(PeerMode mode) {
        return switch (mode) {
            case PROCESS -> Files.isExecutable(DIOD) ? null
                    : DIOD + " is not installed (apt-get install diod; .ci/run installs it)";
            case CONTAINER -> containerUnavailableReason();
            case AUTO -> {
                String noProcess = unavailableReason(PeerMode.PROCESS);
                String noContainer = noProcess == null ? null : containerUnavailableReason();
                yield noProcess == null || noContainer == null ? null
                        : noProcess + "; no container either: " + noContainer;
            }
        };
    }

    /** Probes the container mode without loading Testcontainers where it is not on the class path. */
    private static String containerUnavailableReason() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, Diod.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "Testcontainers is not on this class path (a module whose tests run diod in a container declares"
                    + " org.testcontainers:testcontainers, as p9/pom.xml does)";
        }
        return DiodContainer.unavailableReason();
    }

    /** {@return the mode this JVM's diods run in, null where there is none} */
    public static PeerMode selectedMode() {
        return Selection.INSTANCE.mode;
    }

    /**
     * Starts diod in this JVM's mode exporting {@code export} read-write.
     *
     * @param export an existing directory (its absolute path is the aname)
     * @return the running diod, which the caller closes
     * @throws IOException where diod cannot be had (the reason) or does not come up (its log)
     */
    public static Diod start(Path export) throws IOException {
        return builder(export).start();
    }

    /**
     * @param export an existing directory (its absolute path is the aname)
     * @return a builder for a diod exporting it
     */
    public static Builder builder(Path export) {
        return new Builder(export);
    }

    /** What to start: the export, its options, the mode. */
    public static final class Builder {
        private final Path export;
        private PeerMode mode;
        private boolean ctl;
        private boolean readOnly;
        private int uid = -1;
        private Duration startTimeout = START_TIMEOUT;

        private Builder(Path export) {
            this.export = export.toAbsolutePath();
        }

        /**
         * @param m the mode, instead of this JVM's ({@link PeerMode#AUTO} takes what there is)
         * @return this builder
         */
        public Builder mode(PeerMode m) {
            this.mode = m;
            return this;
        }

        /**
         * @param on also export diod's synthetic {@code ctl} file system (what {@code diodload} and
         *     {@code diodls -s HOST} read)
         * @return this builder
         */
        public Builder ctl(boolean on) {
            this.ctl = on;
            return this;
        }

        /**
         * @param on export read-only: through a configuration file {@code exports = { { path="DIR", opts="ro" } }}
         *     in the run directory, since diod 1.0.24 ignores {@code -o ro} for exports given with {@code -e}
         * @return this builder
         */
        public Builder readOnly(boolean on) {
            this.readOnly = on;
            return this;
        }

        /**
         * @param user serve as this user only ({@code -u UID}): how a diod not started by root runs
         * @return this builder
         */
        public Builder user(int user) {
            if (user < 0) {
                throw new IllegalArgumentException("invalid uid=" + user);
            }
            this.uid = user;
            return this;
        }

        /**
         * @param max how long to wait for diod to accept
         * @return this builder
         */
        public Builder startTimeout(Duration max) {
            if (max.isNegative() || max.isZero()) {
                throw new IllegalArgumentException("invalid startTimeout=" + max);
            }
            this.startTimeout = max;
            return this;
        }

        /**
         * Starts diod on a free loopback port and waits until it accepts.
         *
         * @return the running diod, which the caller closes
         * @throws IOException where diod cannot be had in the mode (the reason), or does not come up within
         *     the start timeout on any of a few free ports (its log); nothing is left running or on disk
         */
        public Diod start() throws IOException {
            PeerMode m = mode;
            String reason;
            if (m == null) {
                m = Selection.INSTANCE.mode;
                reason = Selection.INSTANCE.reason;
                if (m == null) {
                    throw new IOException("no diod: " + reason);
                }
            } else {
                reason = unavailableReason(m);
                if (m == PeerMode.AUTO && reason == null) {
                    m = unavailableReason(PeerMode.PROCESS) == null ? PeerMode.PROCESS : PeerMode.CONTAINER;
                }
            }
            if (reason != null) {
                throw new IOException("diod in mode " + m.value() + " is unavailable: " + reason);
            }
            if (!Files.isDirectory(export)) {
                throw new IOException("diod export " + export + " is not a directory");
            }
            String dir = export.toString();
            if (dir.indexOf('"') >= 0 || dir.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("diod export path has a quote or a newline: " + dir);
            }
            RunDir run = RunDir.create("diod");
            try {
                if (readOnly) {
                    Files.writeString(run.resolve("diod.conf"), "exports = { { path=\"" + dir + "\", opts=\"ro\" } }\n");
                }
                IOException last = null;
                for (int attempt = 0; attempt < Loopback.START_ATTEMPTS; attempt++) {
                    int port = Loopback.freePort();
                    List<String> args = arguments(port, run);
                    try {
                        Backend b = m == PeerMode.PROCESS ? startProcess(args, run, port)
                                : DiodContainer.start(args, export, run.path(), port, startTimeout);
                        List<String> cmd = new ArrayList<>(List.of(DIOD.toString()));
                        cmd.addAll(args);
                        Diod d = new Diod(m, b, port, export, run, List.copyOf(cmd));
                        OpenServers.add(d);
                        return d;
                    } catch (IOException e) {
                        last = e; // another process took the port, or diod failed: the log says which
                    }
                }
                throw last;
            } catch (IOException | RuntimeException e) {
                run.close();
                throw e;
            }
        }

        private List<String> arguments(int port, RunDir run) {
            List<String> a = new ArrayList<>(List.of("-f", "-n", "-l", HOST + ":" + port));
            if (readOnly) {
                a.addAll(List.of("-c", run.resolve("diod.conf").toString()));
            } else {
                a.addAll(List.of("-e", export.toString(), "-c", "/dev/null"));
            }
            if (ctl) {
                a.addAll(List.of("-e", "ctl"));
            }
            if (uid >= 0) {
                a.addAll(List.of("-u", Integer.toString(uid)));
            }
            a.addAll(List.of("-L", "stderr"));
            return a;
        }

        private ServerProcess startProcess(List<String> args, RunDir run, int port) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(DIOD.toString()));
            cmd.addAll(args);
            ServerProcess p = ServerProcess.start(cmd, run.resolve("diod.log"));
            try {
                Loopback.awaitAccepting("diod", port, startTimeout, p::isAlive, p::log);
                return p;
            } catch (IOException e) {
                p.close();
                throw e;
            }
        }
    }

    @Override
    public String name() {
        return FEATURE;
    }

    /** {@return the mode this diod runs in} */
    public PeerMode mode() {
        return mode;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path export() {
        return export;
    }

    /** {@return the exported directory's absolute path, diod's name for the export} */
    @Override
    public String aname() {
        return export.toString();
    }

    @Override
    public long pid() {
        return backend.pid();
    }

    @Override
    public boolean isAlive() {
        return !closed && backend.isAlive();
    }

    /** {@return diod's command line, as it runs in either mode (in a container: the image's entry point and these arguments)} */
    public List<String> command() {
        return command;
    }

    @Override
    public synchronized String log() {
        return closed ? lastLog : backend.log();
    }

    @Override
    public void kill() {
        backend.kill();
    }

    @Override
    public void suspend() throws IOException {
        backend.suspend();
    }

    @Override
    public void resume() throws IOException {
        backend.resume();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        lastLog = backend.log();
        closed = true;
        try {
            backend.close();
        } finally {
            run.close();
            OpenServers.remove(this);
        }
    }

    @Override
    public String toString() {
        return "diod[" + mode.value() + ", " + backend.describe() + ", " + HOST + ":" + port + ", export=" + export + "]";
    }
}
