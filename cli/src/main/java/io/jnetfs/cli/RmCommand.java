package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnetfs rm [-r] [-f] PATH...}: removes files, and with {@code -r} directories and their contents. */
@Command(name = "rm", description = "Remove files (and with -r, directories and their contents), local or remote.")
final class RmCommand extends Subcommand {
    @Option(names = {"-r", "-R", "--recursive"}, description = "Remove directories and their contents.")
    boolean recursive;

    @Option(names = {"-f", "--force"}, description = "Ignore paths that do not exist.")
    boolean force;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "What to remove.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        for (String operand : operands) {
            Run.Target t = run.resolve(operand);
            FileInfo info = t.fs().statIfExists(t.path());
            if (info == null) {
                if (force) {
                    continue;
                }
                throw CommandFailure.errno(t.display(), Errno.ENOENT, null);
            }
            remove(run, t.fs(), t.path(), info, recursive);
        }
        return ExitCodes.OK;
    }

    /**
     * Removes a path, a directory's contents first.
     *
     * @param run for {@code -v}
     * @param fs the side
     * @param path the path
     * @param info what it is
     * @param recursive whether a directory may be removed
     */
    static void remove(Run run, Filesystem fs, String path, FileInfo info, boolean recursive) throws Exception {
        if (info.isDirectory()) {
            if (!recursive) {
                throw CommandFailure.errno(fs.display(path), Errno.EISDIR, "use -r to remove a directory");
            }
            for (String name : fs.list(path)) {
                String child = fs.child(path, name);
                remove(run, fs, child, fs.stat(child), true);
            }
            fs.remove(path, true);
        } else {
            fs.remove(path, false);
        }
        run.verbose("removed " + fs.display(path));
    }
}
