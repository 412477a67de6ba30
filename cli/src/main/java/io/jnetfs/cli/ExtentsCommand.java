package io.jnetfs.cli;

import io.jnetfs.ffm.FsStat;
import io.jnetfs.ffm.PathCalls;
import io.jnetfs.fiemap.Extents;
import io.jnetfs.fiemap.Fiemap;
import io.jnetfs.fiemap.FilefragFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs extents FILE...}: a local file's extents from FIEMAP, printed as {@code filefrag -v}
 * prints them (the filesystem's magic, the size in blocks, one line per extent, the fragment count).
 * Remote files have no extents here; their cache files (paths from {@code jnetfs cache}) do.
 */
@Command(name = "extents", description = {"Show a local file's extents (FIEMAP), as filefrag -v prints them.",
    "Cache files (see `jnetfs cache`) show which parts of a remote file are cached."})
final class ExtentsCommand extends Subcommand {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Local files.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        PrintWriter out = run.out();
        try (Fiemap fiemap = new Fiemap()) {
            for (String file : operands) {
                if (RemotePath.isRemote(file)) {
                    throw CommandFailure.usage("extents shows a local file's extents; " + file + " is remote "
                            + "(its cache file, listed by `jnetfs cache`, is local)");
                }
                out.print(report(fiemap, file));
            }
        }
        return ExitCodes.OK;
    }

    /**
     * What {@code filefrag -v FILE} prints.
     *
     * @param fiemap the query object
     * @param file a local file
     * @return the text
     * @throws CommandFailure naming the file
     */
    static String report(Fiemap fiemap, String file) throws CommandFailure {
        long fsType;
        int blockSize;
        long size;
        try {
            FsStat fs = PathCalls.statfs(file);
            fsType = fs.type();
            blockSize = (int) fs.blockSize();
            size = PathCalls.stat(file).size();
        } catch (IOException ex) {
            throw CommandFailure.of(file, ex);
        }
        Extents e;
        try {
            e = fiemap.query(java.nio.file.Path.of(file), 0, Fiemap.WHOLE_FILE, 0);
        } catch (IOException ex) {
            throw CommandFailure.of(file, ex);
        }
        long blocks = (size + blockSize - 1) / blockSize;
        int found = FilefragFormat.fragments(e);
        return "Filesystem type is: " + Long.toHexString(fsType) + "\n"
                + "File size of " + file + " is " + size + " (" + blocks + " block" + (blocks == 1 ? "" : "s")
                + " of " + blockSize + " bytes)\n"
                + FilefragFormat.format(e, size, blockSize)
                + file + ": " + found + " extent" + (found == 1 ? "" : "s") + " found\n";
    }
}
