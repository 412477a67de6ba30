package io.jnetfs.p9.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The in-memory model of the files a soak writes: per name, the contents the client has written
 * (what a read must return and what the server must hold once fsynced), which files changed since
 * their last acknowledged fsync ({@link #unsynced}), and the one directory operation whose reply may
 * have been lost ({@link #pending}).
 *
 * <p>The invariant the soak checks: a file that is not {@link #unsynced} holds on the server exactly
 * its model; an unsynced file may hold anything between its last acknowledged state and its model
 * (a failed fsync is not an acknowledgement), so after a fault it is written again in full and fsynced.
 */
final class SoakModel {
    /** A directory operation issued and not yet answered: its effect is resolved from the server. */
    record Pending(Kind kind, String name, String newName) {
        enum Kind { CREATE, RENAME, UNLINK }
    }

    final TreeMap<String, byte[]> files = new TreeMap<>();
    final Set<String> unsynced = new HashSet<>();
    Pending pending;

    byte[] get(String name) {
        return files.get(name);
    }

    void write(String name, long pos, byte[] data) {
        byte[] old = files.get(name);
        int end = Math.toIntExact(pos + data.length);
        byte[] now = end > old.length ? Arrays.copyOf(old, end) : old;
        System.arraycopy(data, 0, now, (int) pos, data.length);
        files.put(name, now);
        unsynced.add(name);
    }

    void truncate(String name, long size) {
        files.put(name, Arrays.copyOf(files.get(name), Math.toIntExact(size)));
        unsynced.add(name);
    }

    void fsynced(String name) {
        unsynced.remove(name);
    }

    void created(String name) {
        files.put(name, new byte[0]);
    }

    void renamed(String from, String to) {
        files.put(to, files.remove(from));
        if (unsynced.remove(from)) {
            unsynced.add(to);
        }
    }

    void unlinked(String name) {
        files.remove(name);
        unsynced.remove(name);
    }

    /**
     * Settles {@link #pending} by looking at the export: an operation whose reply was lost either took
     * effect or did not, and the names on the server tell which.
     *
     * @return whether the operation took effect (false when nothing was pending)
     */
    boolean resolvePending(Path export) {
        Pending p = pending;
        pending = null;
        if (p == null) {
            return false;
        }
        return switch (p.kind()) {
            case CREATE -> {
                boolean done = Files.exists(export.resolve(p.name()));
                if (done) {
                    created(p.name());
                }
                yield done;
            }
            case RENAME -> {
                boolean done = !Files.exists(export.resolve(p.name())) && Files.exists(export.resolve(p.newName()));
                if (done) {
                    renamed(p.name(), p.newName());
                }
                yield done;
            }
            case UNLINK -> {
                boolean done = !Files.exists(export.resolve(p.name()));
                if (done) {
                    unlinked(p.name());
                }
                yield done;
            }
        };
    }

    /** @return the names in the export directory */
    static Set<String> namesOn(Path export) throws IOException {
        try (Stream<Path> s = Files.list(export)) {
            return s.map(q -> q.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    /** @return {@code null} if the server's file equals the model, else what differs */
    String diff(Path export, String name) throws IOException {
        byte[] want = files.get(name);
        byte[] have = Files.readAllBytes(export.resolve(name));
        if (Arrays.equals(want, have)) {
            return null;
        }
        int at = Arrays.mismatch(want, have);
        return name + ": server has " + have.length + " bytes, model " + want.length + ", first difference at " + at;
    }
}
