package io.jnetfs.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code jnetfs stat PATH...}: what {@code stat(1)} prints, for local or remote paths (remote inode: the qid path). */
@Command(name = "stat", description = "Show a file's status (size, blocks, mode, owner, times), local or remote.")
final class StatCommand extends Subcommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS Z")
            .withZone(ZoneId.systemDefault());

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or directories.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        PrintWriter out = run.out();
        for (String operand : operands) {
            Run.Target t = run.resolve(operand);
            out.print(format(t.display(), t.fs().stat(t.path())));
        }
        return ExitCodes.OK;
    }

    /**
     * The text {@code stat(1)} prints.
     *
     * @param name the path as shown
     * @param i its status
     * @return the lines
     */
    static String format(String name, FileInfo i) {
        StringBuilder b = new StringBuilder();
        b.append("  File: ").append(name);
        if (i.linkTarget() != null) {
            b.append(" -> ").append(i.linkTarget());
        }
        b.append('\n');
        b.append(String.format("  Size: %-15d Blocks: %-10d IO Block: %-6d %s%n", i.size(), i.blocks(), i.blksize(),
                i.typeName()));
        b.append(String.format(" Inode: %-15d Links: %d%n", i.inode(), i.nlink()));
        b.append(String.format("Access: (%04o/%s)  Uid: %d  Gid: %d%n", i.permissions(), FileInfo.modeString(i.mode()),
                Integer.toUnsignedLong(i.uid()), Integer.toUnsignedLong(i.gid())));
        b.append("Access: ").append(time(i.atimeNanos())).append('\n');
        b.append("Modify: ").append(time(i.mtimeNanos())).append('\n');
        b.append("Change: ").append(time(i.ctimeNanos())).append('\n');
        return b.toString();
    }

    private static String time(long nanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    }
}
