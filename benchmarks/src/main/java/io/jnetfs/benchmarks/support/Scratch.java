package io.jnetfs.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory where benchmarks and external peers put their files: the system property
 * {@code jnetfs.bench.dir}, else {@code jnetfs-bench} under {@code java.io.tmpdir}.
 *
 * <p>The JMH benchmarks (in forked JVMs) and the harness's peers (C programs, fio) resolve the same
 * directory, so "a page-cache file" means the same filesystem for both; the harness records its type.
 * Everything a benchmark keeps between runs on purpose (the 1 GiB files, the 9P export) lives here and
 * nowhere else; {@code make bench-clean} removes the directory.
 */
public final class Scratch {
    /** The system property that overrides the scratch directory. */
    public static final String PROPERTY = "jnetfs.bench.dir";

    private Scratch() {
    }

    /**
     * The scratch directory, created if missing.
     *
     * @return the directory
     * @throws UncheckedIOException if it cannot be created
     */
    public static Path dir() {
        String configured = System.getProperty(PROPERTY);
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "jnetfs-bench");
        try {
            return Files.createDirectories(dir).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create scratch directory " + dir, e);
        }
    }
}
