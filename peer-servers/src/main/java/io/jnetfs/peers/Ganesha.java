package io.jnetfs.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * NFS-Ganesha serving 9P2000.L only, the second, independent server jnetfs is tested against: a child
 * process of this JVM exporting a directory (FSAL_VFS) or a GlusterFS volume (FSAL_GLUSTER), its
 * configuration written into its run directory for each start, waited for until it accepts, stopped by
 * {@link #close()}.
 *
 * <pre>
 *   ganesha.nfsd -F -L STDERR -f RUN/ganesha.conf -p RUN/ganesha.pid
 *
 *   NFS_CORE_PARAM { Protocols = 9P; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }
 *   NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = "RUN/recovery"; }
 *   _9P { _9P_TCP_Port = PORT; _9P_TCP_Msize = 65536; }
 *   EXPORT { Export_Id = 1; Path = "DIR"; Pseudo = "/jnetfs"; Tag = "jnetfs"; Protocols = 9P;
 *            Access_Type = RW; Squash = No_Root_Squash; FSAL { Name = VFS; } }
 * </pre>
 *
 * <p><b>Network rule.</b> Ganesha's 9P listener binds every interface whatever {@code Bind_addr} says,
 * so it is started only where this JVM runs in a network namespace of its own with nothing but
 * {@code lo} ({@link LoopbackNamespace}): elsewhere {@link Builder#start()} refuses with that reason, and a
 * test first requires {@code Require.feature(LoopbackNamespace.FEATURE, LoopbackNamespace.unavailableReason())}.
 * Ganesha does not need rpcbind or dbus when it serves 9P only.
 *
 * <p>What it does differently from diod, which the client tolerates: it answers Tauth with an error (the
 * client attaches without one), and it sends its errors as Rerror (type 107) with a 9P2000.L body (a
 * 4-byte errno) instead of Rlerror (7). Its msize is capped at {@value #MSIZE}: above that, Ganesha 4.3
 * crashed on a 3 MB read (its replies are built in a buffer of the configured msize).
 *
 * <p>The aname is the export's {@code Tag} ({@value #TAG}); the export's path works too.
 */
public final class Ganesha implements PeerServer {
    /** The feature name a test requires: {@code Require.feature(Ganesha.FEATURE, Ganesha.unavailableReason())}. */
    public static final String FEATURE = "ganesha";
    /** The feature name of the GlusterFS backend. */
    public static final String GLUSTER_FEATURE = "ganesha/gluster";
    /** Where Debian installs Ganesha. */
    public static final Path GANESHA = Path.of("/usr/bin/ganesha.nfsd");
    /** Where Debian installs Ganesha's FSALs (nfs-ganesha-vfs, nfs-ganesha-gluster). */
    public static final Path FSAL_DIR = Path.of("/usr/lib/x86_64-linux-gnu/ganesha");
    /** The msize the fixture configures: the largest Ganesha 4.3 survives. */
    public static final int MSIZE = 65536;
    /** The export's tag, the aname clients attach. */
    public static final String TAG = "jnetfs";
    /** How long a start waits for Ganesha to accept, unless {@link Builder#startTimeout} says otherwise. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long Ganesha has to exit after SIGTERM: it takes about 3 s to shut down cleanly, which nothing
     * here needs (the export's files are written through by then), so a test class does not wait for it.
     */
    static final Duration TERM_GRACE = Duration.ofMillis(500);

    private final ServerProcess process;
    private final int port;
    private final Path export;
    private final RunDir run;
    private final String config;
    private final String backend;
    private String lastLog;
    private boolean closed;

    private Ganesha(ServerProcess process, int port, Path export, RunDir run, String config, String backend) {
        this.process = process;
        this.port = port;
        this.export = export;
        this.run = run;
        this.config = config;
        this.backend = backend;
    }

    /**
     * The availability rule of Ganesha with FSAL_VFS (not the network rule: {@link LoopbackNamespace}).
     *
     * @return null where Ganesha and its VFS backend are installed, else what to install
     */
    public static String unavailableReason() {
        if (!Files.isExecutable(GANESHA)) {
            return GANESHA + " is not installed (apt-get install nfs-ganesha nfs-ganesha-vfs; .ci/run installs them)";
        }
        return fsalUnavailableReason("vfs", "nfs-ganesha-vfs");
    }

    /** @return null where Ganesha's FSAL_GLUSTER is installed, else what to install */
    public static String glusterUnavailableReason() {
        String r = unavailableReason();
        return r != null ? r : fsalUnavailableReason("gluster", "nfs-ganesha-gluster");
    }

    private static String fsalUnavailableReason(String fsal, String pkg) {
        Path lib = FSAL_DIR.resolve("libfsal" + fsal + ".so");
        return Files.exists(lib) ? null : lib + " is missing (apt-get install " + pkg + ")";
    }

    /**
     * @param export an existing directory, exported with FSAL_VFS
     * @return the running Ganesha, which the caller closes
     * @throws IOException where it cannot be started here (the reason) or does not come up (its log)
     */
    public static Ganesha start(Path export) throws IOException {
        return builder(export).start();
    }

    /**
     * @param export an existing directory: exported with FSAL_VFS, or with {@link Builder#gluster} the
     *     directory where this machine sees the volume's files (a brick, or Gluster's own mount)
     * @return a builder
     */
    public static Builder builder(Path export) {
        return new Builder(export);
    }

    /** What to start: the export, its backend, the msize. */
    public static final class Builder {
        private final Path export;
        private String volume;
        private int msize = MSIZE;
        private Duration startTimeout = START_TIMEOUT;

        private Builder(Path export) {
            this.export = export.toAbsolutePath();
        }

        /**
         * @param name export this GlusterFS volume of the glusterd on 127.0.0.1 (FSAL_GLUSTER) instead of
         *     the directory
         * @return this builder
         */
        public Builder gluster(String name) {
            if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("invalid gluster volume=" + name);
            }
            this.volume = name;
            return this;
        }

        /**
         * @param bytes {@code _9P_TCP_Msize}, at most {@value #MSIZE}
         * @return this builder
         */
        public Builder msize(int bytes) {
            if (bytes < 4096 || bytes > MSIZE) {
                throw new IllegalArgumentException("invalid msize=" + bytes + ": 4096 .. " + MSIZE
                        + " (Ganesha 4.3 crashes on large reads above " + MSIZE + ")");
            }
            this.msize = bytes;
            return this;
        }

        /**
         * @param max how long to wait for Ganesha to accept
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
         * Writes the configuration, starts Ganesha on a free port and waits until it accepts.
         *
         * @return the running Ganesha, which the caller closes
         * @throws IOException where it is not installed, this JVM is not in a loopback-only network
         *     namespace, or it does not come up on any of a few free ports (its log); nothing is left
         *     running or on disk
         */
        public Ganesha start() throws IOException {
            String missing = volume == null ? unavailableReason() : glusterUnavailableReason();
            if (missing != null) {
                throw new IOException("no ganesha: " + missing);
            }
            String netns = LoopbackNamespace.unavailableReason();
            if (netns != null) {
                throw new IOException("ganesha refused: its 9P listener binds every interface, and " + netns);
            }
            if (!Files.isDirectory(export)) {
                throw new IOException("ganesha export " + export + " is not a directory");
            }
            String dir = export.toString();
            if (dir.indexOf('"') >= 0 || dir.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("ganesha export path has a quote or a newline: " + dir);
            }
            RunDir run = RunDir.create("ganesha");
            try {
                Path recovery = Files.createDirectory(run.resolve("recovery"));
                IOException last = null;
                for (int attempt = 0; attempt < Loopback.START_ATTEMPTS; attempt++) {
                    int port = Loopback.freePort();
                    String conf = config(port, recovery);
                    Path confFile = run.resolve("ganesha.conf");
                    Files.writeString(confFile, conf);
                    List<String> cmd = List.of(GANESHA.toString(), "-F", "-L", "STDERR", "-f", confFile.toString(),
                            "-p", run.resolve("ganesha.pid").toString());
                    ServerProcess p = ServerProcess.start(cmd, run.resolve("ganesha.log"), TERM_GRACE);
                    try {
                        Loopback.awaitAccepting("ganesha", port, startTimeout, p::isAlive, p::log);
                    } catch (IOException e) {
                        p.close();
                        last = e; // another process took the port, or Ganesha failed: the log says which
                        continue;
                    }
                    Ganesha g = new Ganesha(p, port, export, run, conf, volume == null ? "vfs" : "gluster:" + volume);
                    OpenServers.add(g);
                    return g;
                }
                throw last;
            } catch (IOException | RuntimeException e) {
                run.close();
                throw e;
            }
        }

        private String config(int port, Path recovery) {
            String fsal = volume == null ? "FSAL { Name = VFS; }"
                    : "FSAL { Name = GLUSTER; Hostname = \"" + HOST + "\"; Volume = \"" + volume + "\"; }";
            String path = volume == null ? export.toString() : "/" + volume;
            return """
                    NFS_CORE_PARAM { Protocols = 9P; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }
                    NFSV4 { Graceless = true; RecoveryBackend = fs; RecoveryRoot = "%s"; }
                    _9P { _9P_TCP_Port = %d; _9P_TCP_Msize = %d; }
                    EXPORT {
                        Export_Id = 1; Path = "%s"; Pseudo = "/%s"; Tag = "%s"; Protocols = 9P;
                        Access_Type = RW; Squash = No_Root_Squash; SecType = sys;
                        %s
                    }
                    LOG { Default_Log_Level = EVENT; }
                    """.formatted(recovery, port, msize, path, TAG, TAG, fsal);
        }
    }

    @Override
    public String name() {
        return FEATURE;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path export() {
        return export;
    }

    /** {@return the export's tag, {@value #TAG}} */
    @Override
    public String aname() {
        return TAG;
    }

    /** {@return its run directory: the configuration, the log, the recovery directory} */
    Path runDirectory() {
        return run.path();
    }

    /** {@return the configuration this Ganesha was started with} */
    public String config() {
        return config;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return !closed && process.isAlive();
    }

    @Override
    public synchronized String log() {
        return closed ? lastLog : process.log();
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void suspend() throws IOException {
        process.suspend();
    }

    @Override
    public void resume() throws IOException {
        process.resume();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        lastLog = process.log();
        closed = true;
        try {
            process.close();
        } finally {
            run.close();
            OpenServers.remove(this);
        }
    }

    @Override
    public String toString() {
        return "ganesha[" + backend + ", " + process.describe() + ", " + HOST + ":" + port + ", export=" + export + "]";
    }
}
