package io.jnetfs.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnetfs.fuse.FuseOptions;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real mount of a {@link Remote} under a temporary directory, for the tests that run programs on it.
 * {@link #close()} unmounts (and the leftover of a failed test is cleaned with {@code umount -l}), then
 * closes the remote.
 */
final class Mounted implements AutoCloseable {
    final Remote remote;
    final Path dir;
    final P9FuseFilesystem fs;
    final P9Mount mount;

    Mounted(Remote remote, Path dir, MountSettings settings, FuseOptions options) throws IOException {
        this.remote = remote;
        this.dir = dir;
        Files.createDirectories(dir);
        this.fs = new P9FuseFilesystem(remote.client, remote.netfs, null, remote.serverId(), settings);
        P9Mount m;
        try {
            m = P9Mount.mount(dir, fs, options);
        } catch (IOException | RuntimeException e) {
            lazyUnmount(dir);
            remote.close();
            throw e;
        }
        this.mount = m;
    }

    /** Mounts {@code remote} on {@code dir} with short timeouts (0.2 s) so that server-side changes show soon. */
    static Mounted of(Remote remote, Path dir) throws IOException {
        return of(remote, dir, FuseOptions.Transport.AUTO);
    }

    /** As {@link #of(Remote, Path)}, on the given FUSE transport. */
    static Mounted of(Remote remote, Path dir, FuseOptions.Transport transport) throws IOException {
        requireFuse();
        Duration t = Duration.ofMillis(200);
        return new Mounted(remote, dir, new MountSettings(t, t, false, false, 16),
                new FuseOptions().fsName("9p-test").subtype("jnetfs").attrTimeout(t).entryTimeout(t)
                        .initTimeout(Duration.ofSeconds(10)).transport(transport));
    }

    /** Skips (or fails, where the run requires FUSE) without {@code /dev/fuse} or the right to mount. */
    static void requireFuse() {
        String missing = null;
        if (!Files.exists(Path.of("/dev/fuse"))) {
            missing = "no /dev/fuse";
        } else if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
            missing = "/dev/fuse is not readable and writable by this user";
        } else if (!isRoot() && !Files.isExecutable(Path.of("/usr/bin/fusermount3"))) {
            missing = "not root and no fusermount3 (Debian package fuse3)";
        }
        Require.feature("fuse", missing);
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@return whether {@code dir} is a mountpoint now} */
    static boolean isMounted(Path dir) {
        try {
            String d = dir.toAbsolutePath().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals(d)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static void lazyUnmount(Path dir) {
        if (isMounted(dir)) {
            try {
                new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start()
                        .waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                // nothing more to try
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs {@code script} with bash in {@code cwd}, bounded by {@code timeoutSeconds}, and checks it exits 0.
     *
     * @return its output (stdout and stderr)
     */
    static String sh(Path cwd, int timeoutSeconds, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("bash", "-euo", "pipefail", "-c", script)).directory(cwd.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append("(output lost: ").append(e).append(')');
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            reader.join(2000);
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + script + "\n" + out);
        }
        reader.join(5000);
        assertEquals(0, p.exitValue(), () -> "exit " + p.exitValue() + " of: " + script + "\n" + out);
        return out.toString();
    }

    /** Unmounts (writing back), then stops the server. */
    @Override
    public void close() {
        try {
            mount.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            lazyUnmount(dir);
            remote.close();
        }
    }
}
