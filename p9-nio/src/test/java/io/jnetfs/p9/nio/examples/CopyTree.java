package io.jnetfs.p9.nio.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The README's third example: copy a tree with {@code Files.walk}, between any two providers (local to
 * {@code p9://}, {@code p9://} to local, one p9 server to another). {@link ExamplesTest} runs it both
 * ways and checks that the README shows this code.
 */
public final class CopyTree {
    private CopyTree() {
    }

    /**
     * Copies the tree under {@code from} into {@code to}, with modes and times.
     *
     * @param from an existing directory
     * @param to where the tree goes (made if missing)
     * @throws IOException if anything cannot be read or written
     */
    public static void copyTree(Path from, Path to) throws IOException {
        // README:begin copy-tree
        try (Stream<Path> tree = Files.walk(from)) {
            for (Path source : (Iterable<Path>) tree::iterator) {
                // resolve a String: a Path of one provider cannot be resolved against another's
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        // README:end
    }
}
