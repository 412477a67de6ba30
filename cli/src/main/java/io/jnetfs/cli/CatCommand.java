package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jnetfs cat PATH...}: writes files to stdout, remote ones through the engine and the disk cache. */
@Command(name = "cat", description = "Print files to stdout (remote files are read through the netfs engine and its disk cache).")
final class CatCommand extends Subcommand {
    private static final int CHUNK = 1 << 20;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, local or 9p://HOST[:PORT]/PATH.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        byte[] chunk = new byte[CHUNK];
        MemorySegment buffer = MemorySegment.ofArray(chunk);
        OutputStream stdout = run.stdout();
        run.out().flush();
        for (String operand : operands) {
            Run.Target t = run.resolve(operand);
            FileInfo info = t.fs().stat(t.path());
            if (info.isDirectory()) {
                throw CommandFailure.errno(t.display(), Errno.EISDIR, null);
            }
            try (Filesystem.Reader r = t.fs().openRead(t.path())) {
                Progress bar = run.progress(t.fs().name(t.path()), r.size());
                try {
                    long pos = 0;
                    while (true) {
                        long n = r.read(pos, buffer);
                        if (n <= 0) {
                            break;
                        }
                        write(stdout, chunk, (int) n);
                        pos += n;
                        run.transferred(n);
                        bar.update(pos);
                    }
                } finally {
                    bar.finish();
                }
            }
        }
        try {
            stdout.flush();
        } catch (IOException e) {
            throw stdoutFailure(e);
        }
        return ExitCodes.OK;
    }

    private static void write(OutputStream out, byte[] b, int n) throws CommandFailure {
        try {
            out.write(b, 0, n);
        } catch (IOException e) {
            throw stdoutFailure(e);
        }
    }

    /** A failed write to stdout: ENOSPC is "no space"; a closed pipe is an I/O error, not the server's. */
    private static CommandFailure stdoutFailure(IOException e) {
        CommandFailure f = CommandFailure.of("stdout", e);
        if (f.exitCode() == ExitCodes.UNREACHABLE) {
            return CommandFailure.of("stdout", CommandFailure.reason(e), ExitCodes.IO);
        }
        return f;
    }
}
