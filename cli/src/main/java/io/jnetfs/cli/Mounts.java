package io.jnetfs.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code jnetfs mount} leaves in the cache directory ({@code mounts/}) for {@code jnetfs umount}:
 * the filesystem process's pid and its log, by mountpoint; and what {@code /proc/self/mountinfo} says
 * about a mountpoint.
 */
final class Mounts {
    private Mounts() {
    }

    private static Path base(Path stateDir, Path mp) {
        return stateDir.resolve("mounts").resolve(URLEncoder.encode(mp.toString(), StandardCharsets.UTF_8));
    }

    /** {@return the log of the filesystem process mounted on {@code mp}} */
    static Path logFile(Path stateDir, Path mp) {
        return Path.of(base(stateDir, mp) + ".log");
    }

    /** {@return the pid file of the filesystem process mounted on {@code mp}} */
    static Path pidFile(Path stateDir, Path mp) {
        return Path.of(base(stateDir, mp) + ".pid");
    }

    /** Records this process as the one serving {@code mp} (best effort: umount works without it). */
    static void writePid(Path stateDir, Path mp) {
        try {
            Path f = pidFile(stateDir, mp);
            Files.createDirectories(f.getParent());
            Files.writeString(f, ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            // jnetfs umount then unmounts without waiting for the process
        }
    }

    /** Removes the pid file if it is this process's. */
    static void removePid(Path stateDir, Path mp) {
        Path f = pidFile(stateDir, mp);
        if (pid(stateDir, mp) == ProcessHandle.current().pid()) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                // stale pid files are checked against live processes
            }
        }
    }

    /** {@return the pid recorded for {@code mp}, or -1} */
    static long pid(Path stateDir, Path mp) {
        try {
            return Long.parseLong(Files.readString(pidFile(stateDir, mp)).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** {@return the file system type mounted on {@code mp} (e.g. {@code fuse.jnetfs}), or {@code null}} */
    static String typeOf(Path mp) {
        try {
            String want = mp.toString();
            String type = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f.length > 4 && dash > 0 && dash + 1 < f.length && unescape(f[4]).equals(want)) {
                    type = f[dash + 1]; // the last mount on the path is the one seen
                }
            }
            return type;
        } catch (IOException e) {
            return null;
        }
    }

    private static String unescape(String s) {
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

    /**
     * Cleans a jnetfs mount on {@code mp} whose process is gone (its mountpoint answers ENOTCONN): a
     * lazy unmount, so that mounting there again works.
     */
    static void cleanDead(Path mp) {
        String type = typeOf(mp);
        if (type == null || !type.startsWith("fuse")) {
            return;
        }
        try {
            Files.readAttributes(mp, "unix:ino");
        } catch (IOException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("not connected")) {
                unmount(mp, true);
            }
        }
    }

    /**
     * Unmounts {@code mp}: {@code umount} as root, {@code fusermount3 -u} otherwise.
     *
     * @return null on success, else what the tool said
     */
    static String unmount(Path mp, boolean lazy) {
        boolean root = CommonOptions.currentUid() == 0;
        List<String> argv = root ? (lazy ? List.of("umount", "-l", mp.toString()) : List.of("umount", mp.toString()))
                : (lazy ? List.of("fusermount3", "-u", "-z", mp.toString()) : List.of("fusermount3", "-u", mp.toString()));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", argv) + ": timed out";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? null : (out.isEmpty() ? String.join(" ", argv) + " failed" : out);
        } catch (IOException e) {
            return String.join(" ", argv) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
