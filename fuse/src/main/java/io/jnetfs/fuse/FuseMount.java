package io.jnetfs.fuse;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.cmsghdr;
import io.jnetfs.ffm.gen.iovec;
import io.jnetfs.ffm.gen.msghdr;
import io.jnetfs.ffm.gen.pollfd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Mounting and unmounting a FUSE filesystem: how a {@code /dev/fuse} descriptor gets attached to a
 * mountpoint.
 *
 * <ul>
 *   <li>As root, {@code mount(2)}: open {@code /dev/fuse} and mount type {@code fuse.SUBTYPE} with the
 *       options {@code fd=N,rootmode=40000,user_id=U,group_id=G[,default_permissions][,allow_other]}.</li>
 *   <li>Otherwise the setuid helper {@code fusermount3}: it mounts and sends the descriptor back over a
 *       unix socket with {@code SCM_RIGHTS}; the socket's number is in its environment as
 *       {@code _FUSE_COMMFD}. It is started with {@code posix_spawnp}, because ProcessBuilder closes every
 *       descriptor above 2 in the child.</li>
 *   <li>Unmounting: {@code umount2} for a {@code mount(2)} mount, {@code fusermount3 -u [-z]} for a
 *       fusermount3 one (which works for root too).</li>
 * </ul>
 */
final class FuseMount {
    private static final System.Logger LOG = System.getLogger(FuseMount.class.getName());

    private FuseMount() {
    }

    /** @return whether this process may mount with {@code mount(2)} (it runs as root) */
    static boolean isRoot() {
        return Native.getuid() == 0;
    }

    /** @return the method {@code AUTO} stands for here */
    static FuseOptions.MountMethod resolve(FuseOptions.MountMethod m) {
        return m != FuseOptions.MountMethod.AUTO ? m
                : isRoot() ? FuseOptions.MountMethod.SYSCALL : FuseOptions.MountMethod.FUSERMOUNT;
    }

    /**
     * Mounts and returns the session's {@code /dev/fuse} descriptor.
     *
     * @throws IOException naming the call and errno, or fusermount3's failure
     */
    static int mount(Path mountpoint, FuseOptions o, FuseOptions.MountMethod method) throws IOException {
        if (!Files.isDirectory(mountpoint)) {
            throw new IOException("mountpoint=" + mountpoint + " is not a directory");
        }
        return method == FuseOptions.MountMethod.SYSCALL ? mountSyscall(mountpoint, o) : mountFusermount(mountpoint, o);
    }

    private static int mountSyscall(Path mountpoint, FuseOptions o) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int fd = Native.open(a.allocateFrom("/dev/fuse"), LibC.O_RDWR() | LibC.O_CLOEXEC(), 0);
            if (fd < 0) {
                throw Errors.pathException("open", "/dev/fuse", -fd);
            }
            String data = "fd=" + fd + ",rootmode=40000,user_id=" + Native.getuid() + ",group_id=" + Native.getgid()
                    + (o.defaultPermissions() ? ",default_permissions" : "") + (o.allowOther() ? ",allow_other" : "");
            long flags = LibC.MS_NOSUID() | LibC.MS_NODEV() | (o.readOnly() ? LibC.MS_RDONLY() : 0);
            String type = "fuse." + o.subtype();
            int r = Native.mount(a.allocateFrom(o.fsName()), a.allocateFrom(mountpoint.toString()), a.allocateFrom(type),
                    flags, a.allocateFrom(data));
            if (r < 0) {
                Native.close(fd);
                throw Errors.ioException("mount(source=" + o.fsName() + ", target=" + mountpoint + ", type=" + type
                        + ", data=" + data + ")", -r);
            }
            return fd;
        }
    }

    /** The {@code -o} options fusermount3 gets. */
    static String fusermountOptions(FuseOptions o) {
        return (o.readOnly() ? "ro" : "rw") + ",nosuid,nodev,fsname=" + o.fsName() + ",subtype=" + o.subtype()
                + (o.defaultPermissions() ? ",default_permissions" : "") + (o.allowOther() ? ",allow_other" : "");
    }

    private static int mountFusermount(Path mountpoint, FuseOptions o) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(ValueLayout.JAVA_INT, 2);
            int r = Native.socketpair(LibC.AF_UNIX(), LibC.SOCK_STREAM(), 0, fds);
            if (r < 0) {
                throw Errors.ioException("socketpair(AF_UNIX, SOCK_STREAM)", -r);
            }
            int mine = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            int theirs = fds.getAtIndex(ValueLayout.JAVA_INT, 1); // not close-on-exec: fusermount3 inherits it
            Native.fcntl(mine, LibC.F_SETFD(), LibC.FD_CLOEXEC());
            String opts = fusermountOptions(o);
            List<String> argv = List.of("fusermount3", "-o", opts, "--", mountpoint.toString());
            int pid;
            try {
                pid = spawn(a, argv, Map.of("_FUSE_COMMFD", Integer.toString(theirs)));
            } finally {
                Native.close(theirs);
            }
            try {
                int fd = receiveFd(a, mine, o.initTimeout().toMillis());
                int status = reap(pid, 10_000);
                if (fd < 0) {
                    throw new IOException("fusermount3 -o " + opts + " -- " + mountpoint + " failed: "
                            + (fd == -Errno.ETIMEDOUT ? "no descriptor within " + o.initTimeout()
                                    : status >= 0 ? "exit status " + status + " (its message is on stderr)"
                                            : Errno.describe(-fd)));
                }
                return fd;
            } finally {
                Native.close(mine);
            }
        }
    }

    /** Runs a program found on PATH with the environment plus {@code extraEnv}: its pid. */
    private static int spawn(Arena a, List<String> argv, Map<String, String> extraEnv) throws IOException {
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> {
            if (!extraEnv.containsKey(k)) {
                env.add(k + "=" + v);
            }
        });
        extraEnv.forEach((k, v) -> env.add(k + "=" + v));
        MemorySegment pid = a.allocate(ValueLayout.JAVA_INT);
        int r = Native.posixSpawnp(pid, a.allocateFrom(argv.get(0)), strings(a, argv), strings(a, env));
        if (r < 0) {
            throw Errors.ioException("posix_spawnp(" + argv.get(0) + ")", -r);
        }
        return pid.get(ValueLayout.JAVA_INT, 0);
    }

    private static MemorySegment strings(Arena a, List<String> list) {
        MemorySegment arr = a.allocate(ValueLayout.ADDRESS, list.size() + 1);
        for (int i = 0; i < list.size(); i++) {
            arr.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(list.get(i)));
        }
        arr.setAtIndex(ValueLayout.ADDRESS, list.size(), MemorySegment.NULL);
        return arr;
    }

    /**
     * Waits for a child to exit, at most {@code timeoutMillis}, then kills it.
     *
     * @return its exit status, or -1 if it was killed or could not be waited for
     */
    private static int reap(int pid, long timeoutMillis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(ValueLayout.JAVA_INT);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                int r = Native.waitpid(pid, status, LibC.WNOHANG());
                if (r == pid) {
                    int s = status.get(ValueLayout.JAVA_INT, 0);
                    return (s & 0x7f) == 0 ? (s >> 8) & 0xff : -1; // WIFEXITED ? WEXITSTATUS : killed
                }
                if (r < 0 && r != -Errno.EINTR) {
                    return -1;
                }
                if (System.nanoTime() > deadline) {
                    Native.kill(pid, LibC.SIGKILL());
                    Native.waitpid(pid, status, 0);
                    return -1;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    Native.kill(pid, LibC.SIGKILL());
                    Native.waitpid(pid, status, 0);
                    return -1;
                }
            }
        }
    }

    /** Receives one descriptor sent with SCM_RIGHTS: it, {@code -ETIMEDOUT}, {@code -ECONNRESET} at EOF, or {@code -errno}. */
    private static int receiveFd(Arena a, int sock, long timeoutMillis) {
        MemorySegment pfd = a.allocate(pollfd.layout());
        pollfd.fd(pfd, sock);
        pollfd.events(pfd, (short) LibC.POLLIN());
        int p;
        do {
            p = Native.poll(pfd, 1, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        } while (p == -Errno.EINTR);
        if (p == 0) {
            return -Errno.ETIMEDOUT;
        }
        MemorySegment data = a.allocate(8);
        MemorySegment iov = a.allocate(iovec.layout());
        iovec.iov_base(iov, data);
        iovec.iov_len(iov, 1);
        long cmsgSpace = 64;
        MemorySegment control = a.allocate(cmsgSpace, 8);
        MemorySegment msg = a.allocate(msghdr.layout());
        msghdr.msg_iov(msg, iov);
        msghdr.msg_iovlen(msg, 1);
        msghdr.msg_control(msg, control);
        msghdr.msg_controllen(msg, cmsgSpace);
        long n;
        do {
            n = Native.recvmsg(sock, msg, LibC.MSG_CMSG_CLOEXEC());
        } while (n == -Errno.EINTR);
        if (n < 0) {
            return (int) n;
        }
        if (n == 0 || msghdr.msg_controllen(msg) < cmsghdr.layout().byteSize() + 4) {
            return -Errno.ECONNRESET;
        }
        if (cmsghdr.cmsg_level(control) != LibC.SOL_SOCKET() || cmsghdr.cmsg_type(control) != LibC.SCM_RIGHTS()) {
            return -Errno.EPROTO;
        }
        // CMSG_DATA: the payload follows the header, aligned to size_t (16 bytes on LP64)
        return control.get(ValueLayout.JAVA_INT, cmsghdr.layout().byteSize());
    }

    /**
     * Unmounts.
     *
     * @param lazy detach now and let the kernel finish when the mount is no longer busy ({@code MNT_DETACH}, {@code -z})
     * @return 0, or {@code -errno} ({@code -EBUSY} when busy and not lazy, {@code -EINVAL} when not mounted)
     */
    static int unmount(Path mountpoint, FuseOptions.MountMethod method, boolean lazy) {
        if (method == FuseOptions.MountMethod.SYSCALL) {
            try (Arena a = Arena.ofConfined()) {
                return Native.umount2(a.allocateFrom(mountpoint.toString()), lazy ? LibC.MNT_DETACH() : 0);
            }
        }
        List<String> cmd = new ArrayList<>(List.of("fusermount3", "-u", "-q"));
        if (lazy) {
            cmd.add("-z");
        }
        cmd.add("--");
        cmd.add(mountpoint.toString());
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -Errno.ETIMEDOUT;
            }
            if (p.exitValue() != 0) {
                LOG.log(System.Logger.Level.DEBUG, () -> String.join(" ", cmd) + ": " + out);
                return out.contains("busy") ? -Errno.EBUSY : out.contains("not found") || out.contains("not mounted")
                        ? -Errno.EINVAL : -Errno.EIO;
            }
            return 0;
        } catch (IOException e) {
            return -Errno.ENOENT; // fusermount3 is not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -Errno.EINTR;
        }
    }

    /** @return the program's path on PATH, or {@code null} */
    static Path findOnPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program);
            }
        }
        return null;
    }

    /** @return whether {@code mountpoint} is a mount point in {@code /proc/self/mountinfo} */
    static boolean isMounted(Path mountpoint) {
        try {
            String mp = mountpoint.toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && unescape(f[4]).equals(mp)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
