package io.jnetfs.p9.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Counting what a test could leak: open file descriptors of this process, by kind. */
final class Leaks {
    private Leaks() {
    }

    /** @return the open file descriptors of this process ({@code /proc/self/fd}) */
    static int openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return open descriptors by what they point at ({@code socket}, {@code anon_inode:[io_uring]}, files ...) */
    static TreeMap<String, Integer> fdKinds() {
        TreeMap<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // the directory's own descriptor, closed meanwhile
                }
                int colon = target.indexOf(":[");
                String kind = target.startsWith("socket:") ? "socket" : target.startsWith("pipe:") ? "pipe"
                        : colon > 0 && target.startsWith("anon_inode") ? target : "file";
                kinds.merge(kind, 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kinds;
    }

    /** @return each open descriptor's number and what it points at */
    static TreeMap<Integer, String> fdTargets() {
        TreeMap<Integer, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    out.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** @return the descriptors open in {@code after} that were not open (to the same target) in {@code before} */
    static TreeMap<Integer, String> added(TreeMap<Integer, String> before, TreeMap<Integer, String> after) {
        TreeMap<Integer, String> out = new TreeMap<>(after);
        // the listing's own descriptor (/proc/PID/fd) comes and goes with each look
        out.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())) || e.getValue().endsWith("/fd"));
        out.replaceAll((fd, target) -> target.startsWith("socket:[") ? target + " " + socketInfo(target) : target);
        return out;
    }

    /**
     * The descriptors a jnetfs test could leak: TCP sockets, io_uring instances, pipes and files under
     * {@code dir}; not what the JVM or libc open once for the process (a syslog socket, jars).
     *
     * @return the subset of {@code fds} (as from {@link #added}) that are such
     */
    static TreeMap<Integer, String> ours(TreeMap<Integer, String> fds, Path dir) {
        TreeMap<Integer, String> out = new TreeMap<>(fds);
        out.entrySet().removeIf(e -> {
            String t = e.getValue();
            return !(t.contains(" tcp") || t.startsWith("anon_inode:[io_uring]") || t.startsWith("pipe:")
                    || t.startsWith(dir.toAbsolutePath().toString()));
        });
        return out;
    }

    /** @return the /proc/net line of a socket inode ({@code socket:[N]}): its local and remote address and state */
    static String socketInfo(String target) {
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : new String[] {"tcp", "tcp6", "unix", "udp"}) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/net/" + table))) {
                    String[] f = line.trim().split("\\s+");
                    if (java.util.Arrays.asList(f).contains(inode)) {
                        return " " + table + ": " + line.trim();
                    }
                }
            } catch (IOException e) {
                // no such table here
            }
        }
        return "(not in /proc/net)";
    }

    /**
     * Waits (bounded) until the open descriptors are back to at most {@code start}: sockets of peers
     * that are closing and pipes of exited processes go away a little after the call that closed them.
     *
     * @return the count seen last
     */
    static int awaitFdsAtMost(int start, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        int n = openFds();
        while (n > start && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            n = openFds();
        }
        return n;
    }
}
