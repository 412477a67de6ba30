package io.jnetfs.cli;

import io.jnetfs.ffm.FileStat;
import io.jnetfs.ffm.PathCalls;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs cache [show|clear]}: the disk cache's usage per cached remote file (bytes allocated on
 * disk, the remote size, the server's identity of the file, the cache file), or removes every cache file.
 */
@Command(name = "cache", description = {"Show the disk cache's usage per file and against its limits (show, the default), "
    + "or empty it (clear).",
    "Each remote file is cached in one sparse file named by a digest of 9p://SERVER/ANAME#QID."})
final class CacheCommand extends Subcommand {
    /** What to do. */
    enum Action {
        /** List the cache files. */
        show,
        /** Remove every cache file. */
        clear
    }

    @Parameters(arity = "0..1", paramLabel = "ACTION", description = "show (default) or clear.")
    Action action = Action.show;

    /**
     * One cache file.
     *
     * @param key the server's identity of the remote file
     * @param data the cache file
     * @param size its apparent size (the remote file's size)
     * @param allocated bytes allocated on disk ({@code st_blocks * 512})
     */
    record Usage(String key, Path data, long size, long allocated) {
    }

    @Override
    int execute(Run run) throws Exception {
        Path dir = run.settings().stateDir();
        PrintWriter out = run.out();
        if (action == Action.clear) {
            int n = clear(dir);
            out.println("removed " + n + " cache file" + (n == 1 ? "" : "s") + " from " + dir);
            return ExitCodes.OK;
        }
        List<Usage> usage = usage(dir);
        out.println("cache directory: " + dir);
        CacheFiles.Limits limits = run.settings().engine().cacheLimits();
        try {
            out.println(limitsLine(CacheFiles.status(dir, limits)));
        } catch (IOException e) {
            throw CommandFailure.of(dir.toString(), e);
        }
        long allocated = 0;
        if (!usage.isEmpty()) {
            out.printf("%12s %12s  %s%n", "on disk", "size", "file (server#qid)  cache file");
        }
        for (Usage u : usage) {
            out.printf("%12s %12s  %s  %s%n", Sizes.format(u.allocated()), Sizes.format(u.size()), u.key(),
                    u.data().getFileName());
            allocated += u.allocated();
        }
        out.println(usage.size() + " file" + (usage.size() == 1 ? "" : "s") + ", " + Sizes.format(allocated) + " on disk");
        return ExitCodes.OK;
    }

    /**
     * The usage against the limits, in one line: {@code used 1.2 GiB of 2.0 GiB; filesystem 40.1 GiB free
     * of 100.0 GiB; 40.1% free: culling below 7% until 10%, writes stop below 3%; state ok}.
     *
     * @param st the status
     * @return the line
     */
    static String limitsLine(CacheFiles.Status st) {
        CacheFiles.Limits l = st.limits();
        return "used " + Sizes.format(st.usedBytes()) + (st.maxBytes() > 0 ? " of " + Sizes.format(st.maxBytes()) + " (--cache-size)" : "")
                + "; filesystem " + Sizes.format(st.fsFreeBytes()) + " free of " + Sizes.format(st.fsTotalBytes())
                + "; " + String.format(java.util.Locale.ROOT, "%.1f", st.freePercent()) + "% free: culling below "
                + l.bcull() + "% until " + l.brun() + "%, writes stop below " + l.bstop() + "%; state "
                + st.state().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The cache files under {@code dir}, largest first: each {@code NAME.meta} (whose {@code key=} line
     * names the remote file) with its {@code NAME.data}.
     *
     * @param dir the cache directory
     * @return the usage, empty if the directory does not exist
     */
    static List<Usage> usage(Path dir) throws CommandFailure {
        List<Usage> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.meta")) {
            for (Path meta : ds) {
                String name = meta.getFileName().toString();
                Path data = dir.resolve(name.substring(0, name.length() - ".meta".length()) + ".data");
                String key = Files.readAllLines(meta, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("key="))
                        .map(l -> l.substring(4)).findFirst().orElse("?");
                long size = 0;
                long allocated = 0;
                try {
                    FileStat st = PathCalls.stat(data.toString());
                    size = st.size();
                    allocated = st.allocatedBytes();
                } catch (IOException noData) {
                    // a .meta without its .data (being created or removed): nothing cached
                }
                out.add(new Usage(key, data, size, allocated));
            }
        } catch (IOException e) {
            throw CommandFailure.of(dir.toString(), e);
        }
        out.sort(Comparator.comparingLong(Usage::allocated).reversed().thenComparing(Usage::key));
        return out;
    }

    /**
     * Removes every cache file ({@code *.data} and {@code *.meta}) under {@code dir}.
     *
     * @param dir the cache directory
     * @return how many cache files were removed
     */
    static int clear(Path dir) throws CommandFailure {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{data,meta}")) {
            for (Path p : ds) {
                if (Files.deleteIfExists(p) && p.toString().endsWith(".meta")) {
                    n++;
                }
            }
        } catch (IOException e) {
            throw CommandFailure.of(dir.toString(), e);
        }
        return n;
    }
}
