package io.jnetfs.cli;

import io.jnetfs.fuse.FuseOptions;
import io.jnetfs.mount.MountSettings;
import io.jnetfs.mount.P9FuseFilesystem;
import io.jnetfs.mount.P9Mount;
import io.jnetfs.p9.Fid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs mount 9p://HOST[:PORT]/[PATH] MOUNTPOINT}: the export as a FUSE filesystem on the netfs
 * engine (module mount). In the background by default: a detached {@code jnetfs mount -f} is started
 * (its log in the cache directory, {@code mounts/}), and the command returns once the mountpoint
 * answers. With {@code -f} it serves in this process until unmounted; Ctrl-C and SIGTERM unmount
 * cleanly (writing back first).
 */
@Command(name = "mount", description = {"Mount a 9P2000.L export as a FUSE filesystem (fuse.jnetfs) on the netfs engine.",
    "REMOTE is 9p://HOST[:PORT]/[PATH], p9://HOST[:PORT]/[PATH] or HOST[:PORT][:/PATH]. Returns once MOUNTPOINT "
        + "answers, the filesystem left running detached (log: CACHE/mounts/); -f stays in the foreground. "
        + "Unmount with `jnetfs umount MOUNTPOINT`, `umount` or `fusermount3 -u`."})
final class MountCommand extends Subcommand {
    /** The file system type's subtype: /proc/mounts shows {@code fuse.jnetfs}. */
    static final String SUBTYPE = "jnetfs";

    @Parameters(index = "0", paramLabel = "REMOTE", description = "The export (and a directory in it) to mount.")
    String remote;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "An existing directory.")
    Path mountpoint;

    @Option(names = {"-f", "--foreground"}, description = "Serve in this process until unmounted (Ctrl-C unmounts).")
    boolean foreground;

    @Option(names = "-o", paramLabel = "OPT[,OPT...]", split = ",",
            description = "Mount options: ro, allow_other, direct_io (every read and write reaches jnetfs, "
                    + "served from its page cache), writeback_cache, default_permissions (on by default).")
    List<String> mountOptions = new ArrayList<>();

    @Option(names = "--entry-timeout", paramLabel = "SECONDS",
            description = "How long the kernel keeps names (decimals allowed). Default: 1.")
    double entryTimeout = 1;

    @Option(names = "--threads", paramLabel = "N", description = "Threads serving /dev/fuse. Default: 4.")
    int threads = 4;

    @Option(names = "--fuse-transport", paramLabel = "auto|io-uring|dev",
            description = "How requests and replies cross to the kernel: io-uring (FUSE over io_uring, Linux 6.14+ with "
                    + "/sys/module/fuse/parameters/enable_uring Y; fails with the reason otherwise), dev (read and "
                    + "writev on /dev/fuse), auto (io-uring when the kernel offers it, else dev; the mount line says "
                    + "which). Default: auto.")
    String fuseTransport = "auto";

    @Override
    int execute(Run run) throws Exception {
        RemotePath where = RemotePath.parse(asUri(remote));
        Path mp = mountpoint.toAbsolutePath().normalize();
        MountSettings ms = settings(run);
        FuseOptions fo = fuseOptions(where, ms);
        if (!foreground) {
            return Background.start(run, mp, where, fo);
        }
        Mounts.cleanDead(mp);
        if (!Files.isDirectory(mp)) {
            throw CommandFailure.of(mp.toString(), new java.nio.file.NotDirectoryException(mp.toString()));
        }
        Run.Target t = run.resolve(where.toString());
        RemoteSession session = ((RemoteFilesystem) t.fs()).session();
        Fid root = null;
        P9Mount mount;
        try {
            root = session.client().walk(session.client().root(), where.path().isEmpty()
                    ? new String[0] : where.path().split("/"));
            if (root.qid() == null || !root.qid().isDirectory()) {
                throw CommandFailure.of(where.toString(), new java.nio.file.NotDirectoryException(where.toString()));
            }
            String serverId = RemotePath.SCHEME + session.client().options().host() + ":"
                    + session.client().options().port() + "/" + RemotePath.normalize(run.settings().aname());
            P9FuseFilesystem fs = new P9FuseFilesystem(session.client(), root, session.netfs(), session.cache(),
                    serverId, ms);
            mount = P9Mount.mount(mp, fs, fo);
        } catch (IOException | RuntimeException e) {
            if (root != null) {
                closeQuietly(root);
            }
            throw CommandFailure.of("mount " + mp, e);
        }
        P9Mount m = mount;
        Fid rootFid = root;
        Thread hook = new Thread(() -> closeQuietly(m), "jnetfs-unmount");
        Runtime.getRuntime().addShutdownHook(hook);
        Mounts.writePid(run.settings().stateDir(), mp);
        run.out().println("mounted " + where + " (aname=" + run.settings().aname() + ", msize "
                + session.client().msize() + ", " + session.client().transportKind() + ") on " + mp + " (fuse."
                + SUBTYPE + ", " + m.session().describe() + (fo.directIo() ? ", direct_io" : ", kernel page cache")
                + (fo.readOnly() ? ", ro" : "") + (session.cache() != null ? ", disk cache " + session.cache().dir()
                : ", no disk cache") + ")");
        run.out().flush();
        try {
            m.awaitUnmounted();
        } finally {
            closeQuietly(m);
            closeQuietly(rootFid);
            Mounts.removePid(run.settings().stateDir(), mp);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran: it unmounted
            }
        }
        return ExitCodes.OK;
    }

    /** {@code HOST[:PORT][:/PATH]} (sshfs's form) or {@code HOST[:PORT][/PATH]} as a 9p:// operand. */
    static String asUri(String remote) {
        if (RemotePath.isRemote(remote)) {
            return remote;
        }
        String r = remote;
        int sshfs = r.indexOf(":/");
        if (sshfs > 0) {
            r = r.substring(0, sshfs) + r.substring(sshfs + 1);
        }
        return RemotePath.SCHEME + r;
    }

    private MountSettings settings(Run run) throws CommandFailure {
        if (entryTimeout < 0 || entryTimeout > 86_400) {
            throw CommandFailure.usage("invalid --entry-timeout=" + entryTimeout + " (0 .. 86400 seconds)");
        }
        // the kernel keeps attributes as long as the engine trusts them: the common --attr-timeout
        return new MountSettings(run.settings().engine().attrTimeout(),
                Duration.ofNanos((long) (entryTimeout * 1e9)), has("direct_io"), has("ro"), run.settings().inflight());
    }

    private FuseOptions fuseOptions(RemotePath where, MountSettings ms) throws CommandFailure {
        for (String o : mountOptions) {
            switch (o) {
                case "ro", "rw", "allow_other", "direct_io", "writeback_cache", "default_permissions",
                     "no_default_permissions", "" -> {
                }
                default -> throw CommandFailure.usage("unknown mount option -o " + o
                        + " (ro, rw, allow_other, direct_io, writeback_cache, default_permissions, no_default_permissions)");
            }
        }
        try {
            return new FuseOptions().fsName(where.toString().replace(",", "%2C")).subtype(SUBTYPE)
                    .readOnly(has("ro")).allowOther(has("allow_other")).directIo(ms.directIo())
                    .writebackCache(has("writeback_cache")).defaultPermissions(!has("no_default_permissions"))
                    .attrTimeout(ms.attrTimeout()).entryTimeout(ms.entryTimeout()).threads(threads)
                    .transport(FuseOptions.Transport.parse(fuseTransport));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage(e.getMessage());
        }
    }

    private boolean has(String option) {
        return mountOptions.contains(option);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // unmounting: the data was written back on close of each file; nothing else to say
        }
    }

    /** Starts {@code jnetfs mount -f} detached and waits until the mountpoint answers. */
    static final class Background {
        private Background() {
        }

        static int start(Run run, Path mp, RemotePath where, FuseOptions fo) throws CommandFailure {
            List<String> self = selfCommandLine();
            if (self == null) {
                throw CommandFailure.usage("mount in the background needs the jnetfs launcher; use -f");
            }
            Path log = Mounts.logFile(run.settings().stateDir(), mp);
            List<String> argv = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                argv.add("/usr/bin/setsid"); // its own session: a closing terminal's SIGHUP does not reach it
            }
            argv.addAll(self);
            argv.add("--foreground");
            Process p;
            try {
                Files.createDirectories(log.getParent());
                Files.deleteIfExists(log);
                p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw CommandFailure.of("mount " + mp, "start the filesystem process", e);
            }
            long deadline = System.nanoTime() + run.settings().timeout().toNanos() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() - deadline < 0) {
                String text = read(log);
                int i = text.indexOf("mounted ");
                if (i >= 0 && text.indexOf('\n', i) > 0) {
                    run.out().println(text.substring(i, text.indexOf('\n', i)) + " [pid " + p.pid() + ", log " + log + "]");
                    return ExitCodes.OK;
                }
                if (!p.isAlive()) {
                    String why = text.strip();
                    run.err().println(why.isEmpty() ? "jnetfs: mount: the filesystem process exited with "
                            + p.exitValue() : why);
                    return p.exitValue() == 0 ? ExitCodes.IO : p.exitValue();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroy();
                    return ExitCodes.INTERRUPTED;
                }
            }
            p.destroy();
            throw CommandFailure.of("mount " + mp, "the mountpoint did not answer in time (log: " + log + ")",
                    ExitCodes.IO);
        }

        private static String read(Path log) {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        /**
         * {@return this process's command line, when it is the jnetfs launcher's ({@code java ... -jar
         * jnetfs.jar} or {@code io.jnetfs.cli.Main}); else {@code null} (a test's JVM)}
         */
        static List<String> selfCommandLine() {
            String main = System.getProperty("sun.java.command", "");
            String first = main.split(" ", 2)[0];
            if (!first.endsWith("jnetfs.jar") && !first.equals(Main.class.getName())) {
                return null;
            }
            try {
                byte[] b = Files.readAllBytes(Path.of("/proc/self/cmdline"));
                List<String> args = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == 0) {
                        args.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
                return args.isEmpty() ? null : args;
            } catch (IOException e) {
                return null;
            }
        }
    }
}
