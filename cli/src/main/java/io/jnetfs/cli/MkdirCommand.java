package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jnetfs mkdir [-p] [-m MODE] PATH...}: makes directories. */
@Command(name = "mkdir", description = "Make directories, local or remote.")
final class MkdirCommand extends Subcommand {
    @Option(names = {"-p", "--parents"}, description = "Make parents as needed; no error if a directory exists.")
    boolean parents;

    @Option(names = {"-m", "--mode"}, paramLabel = "MODE", description = "Permission bits in octal (the umask applies). Default: 777.")
    String mode = "777";

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Directories to make.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        int bits;
        try {
            bits = Integer.parseInt(mode, 8);
        } catch (NumberFormatException e) {
            bits = -1;
        }
        if (bits < 0 || bits > 07777) {
            throw CommandFailure.usage("invalid --mode=" + mode + " (octal, such as 755)");
        }
        for (String operand : operands) {
            Run.Target t = run.resolve(operand);
            if (!parents) {
                t.fs().mkdir(t.path(), bits);
                run.verbose("made " + t.display());
                continue;
            }
            List<String> chain = new ArrayList<>();
            for (String p = t.path(); !isTop(t.fs(), p); p = t.fs().parent(p)) {
                chain.addFirst(p);
            }
            for (String p : chain) {
                FileInfo info = t.fs().statIfExists(p);
                if (info == null) {
                    t.fs().mkdir(p, bits);
                    run.verbose("made " + t.fs().display(p));
                } else if (!info.isDirectory()) {
                    throw CommandFailure.errno(t.fs().display(p), Errno.ENOTDIR, null);
                }
            }
        }
        return ExitCodes.OK;
    }

    private static boolean isTop(Filesystem fs, String p) {
        return p.isEmpty() || p.equals("/") || p.equals(".") || p.equals(fs.parent(p));
    }
}
