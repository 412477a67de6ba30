package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs mv SRC... DEST}: renames within one side (Trenameat on one server, {@code renameat}
 * locally); between sides (or across local filesystems) copies the tree as {@code cp -r} does, then
 * removes the source.
 */
@Command(name = "mv", description = {"Move or rename files and directories.",
    "Within one server (or one local filesystem) this is a rename; between sides the tree is copied (as cp -r, "
        + "through partial files) and then the source is removed."})
final class MvCommand extends Subcommand {
    @Parameters(arity = "2..*", paramLabel = "PATH", description = "Sources, then the destination.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        List<String> sources = operands.subList(0, operands.size() - 1);
        Run.Target dest = run.resolve(operands.getLast());
        FileInfo d = dest.fs().statIfExists(dest.path());
        boolean intoDirectory = d != null && d.isDirectory();
        if (sources.size() > 1 && !intoDirectory) {
            throw CommandFailure.errno(dest.display(), Errno.ENOTDIR, "moving several sources needs a directory");
        }
        try (Copier copier = new Copier(run)) {
            for (String operand : sources) {
                Run.Target src = run.resolve(operand);
                FileInfo info = src.fs().stat(src.path());
                String target = CpCommand.target(src, dest, intoDirectory);
                if (src.fs().sameAs(dest.fs())) {
                    try {
                        src.fs().rename(src.path(), target);
                        run.verbose("renamed " + src.display() + " -> " + dest.fs().display(target));
                        continue;
                    } catch (CommandFailure f) {
                        if (ExitCodes.errnoOf(f) != Errno.EXDEV) {
                            throw f;
                        }
                    }
                }
                copier.copy(src.fs(), src.path(), dest.fs(), target, true);
                RmCommand.remove(run, src.fs(), src.path(), info, true);
            }
        }
        return ExitCodes.OK;
    }
}
