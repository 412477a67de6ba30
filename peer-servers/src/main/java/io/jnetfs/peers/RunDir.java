package io.jnetfs.peers;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A peer server's private temporary directory ({@code $TMPDIR/jnetfs-NAME-XXXX}): its log, its
 * configuration, whatever it writes for itself. Made before the server starts, deleted with everything
 * in it when the server is closed, so a run leaves nothing in {@code /tmp}.
 */
final class RunDir implements AutoCloseable {
    private final Path path;
    private boolean closed;

    private RunDir(Path path) {
        this.path = path;
    }

    /**
     * @param name the server's name, part of the directory's
     * @return a new empty directory
     * @throws IOException where it cannot be made
     */
    static RunDir create(String name) throws IOException {
        return new RunDir(Files.createTempDirectory("jnetfs-" + name + "-"));
    }

    /** {@return the directory} */
    Path path() {
        return path;
    }

    /** {@return a file in the directory} */
    Path resolve(String name) {
        return path.resolve(name);
    }

    /** Deletes the directory and everything in it. Idempotent; a failure is left to the caller's log. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // already gone, or not ours to delete any more: nothing a closing server can do about it
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
