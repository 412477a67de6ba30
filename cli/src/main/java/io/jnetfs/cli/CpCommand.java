package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs cp [-r] SRC... DEST}: copies local to remote, remote to local, remote to remote
 * (streamed through this process) or local to local, keeping mode and times. A destination that is an
 * existing directory receives the sources under their own names.
 */
@Command(name = "cp", sortOptions = false,
        description = {"Copy files (and with -r, trees) in either direction, keeping mode and modification time.",
            "The data goes through the netfs engine: reads of a remote file fill the disk cache, writes are written "
                + "back and fsynced on the server. The destination appears under its name only when complete (it is "
                + "written as .NAME.jnetfs-partial-PID and renamed). Remote to remote copies stream through this "
                + "process."})
final class CpCommand extends Subcommand {
    @Option(names = {"-r", "-R", "--recursive"}, description = "Copy directories and their contents.")
    boolean recursive;

    @Parameters(arity = "2..*", paramLabel = "PATH", description = "Sources, then the destination.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        List<String> sources = operands.subList(0, operands.size() - 1);
        Run.Target dest = run.resolve(operands.getLast());
        FileInfo d = dest.fs().statIfExists(dest.path());
        boolean intoDirectory = d != null && d.isDirectory();
        if (sources.size() > 1 && !intoDirectory) {
            throw CommandFailure.errno(dest.display(), Errno.ENOTDIR, "copying several sources needs a directory");
        }
        try (Copier copier = new Copier(run)) {
            for (String operand : sources) {
                Run.Target src = run.resolve(operand);
                String target = target(src, dest, intoDirectory);
                if (src.fs() == dest.fs() && src.path().equals(target)) {
                    throw CommandFailure.of(src.display(), "source and destination are the same file", ExitCodes.IO);
                }
                copier.copy(src.fs(), src.path(), dest.fs(), target, recursive);
            }
        }
        return ExitCodes.OK;
    }

    /** The destination's path for a source: inside {@code dest} if it is a directory. */
    static String target(Run.Target src, Run.Target dest, boolean intoDirectory) {
        String name = src.fs().name(src.path());
        if (!intoDirectory || name.isEmpty() || name.equals(".") || name.equals("..") || name.equals("/")) {
            return dest.path();
        }
        return dest.fs().child(dest.path(), name);
    }
}
