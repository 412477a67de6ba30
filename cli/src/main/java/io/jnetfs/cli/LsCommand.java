package io.jnetfs.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs ls [-l] [-a] PATH...}: lists directories (entries sorted by name) or names files. The
 * long form is {@code ls -ln --time-style=long-iso}'s: mode, links, numeric owner and group, size,
 * modification time, name (and a link's target).
 */
@Command(name = "ls", description = "List directories, local or remote.")
final class LsCommand extends Subcommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    @Option(names = "-l", description = "Long listing: mode, links, uid, gid, size, mtime, name.")
    boolean longFormat;

    @Option(names = {"-a", "--all"}, description = "Include entries whose names start with '.'.")
    boolean all;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Directories or files.")
    List<String> operands;

    @Override
    int execute(Run run) throws Exception {
        PrintWriter out = run.out();
        boolean headers = operands.size() > 1;
        boolean first = true;
        for (String operand : operands) {
            Run.Target t = run.resolve(operand);
            FileInfo info = t.fs().stat(t.path());
            List<FileInfo> entries = new ArrayList<>();
            if (info.isDirectory()) {
                if (headers) {
                    out.println((first ? "" : "\n") + operand + ":");
                }
                for (String name : t.fs().list(t.path())) {
                    if (!all && name.startsWith(".")) {
                        continue;
                    }
                    entries.add(longFormat ? t.fs().stat(t.fs().child(t.path(), name)) : named(name));
                }
            } else {
                entries.add(longFormat ? rename(info, operand) : named(operand));
            }
            print(out, entries);
            first = false;
        }
        return ExitCodes.OK;
    }

    private static FileInfo named(String name) {
        return new FileInfo(name, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }

    private static FileInfo rename(FileInfo i, String name) {
        return new FileInfo(name, i.mode(), i.size(), i.blocks(), i.blksize(), i.nlink(), i.uid(), i.gid(), i.inode(),
                i.atimeNanos(), i.mtimeNanos(), i.ctimeNanos(), i.linkTarget());
    }

    private void print(PrintWriter out, List<FileInfo> entries) {
        if (!longFormat) {
            for (FileInfo e : entries) {
                out.println(e.name());
            }
            return;
        }
        int wLinks = 1;
        int wUid = 1;
        int wGid = 1;
        int wSize = 1;
        for (FileInfo e : entries) {
            wLinks = Math.max(wLinks, Long.toString(e.nlink()).length());
            wUid = Math.max(wUid, Integer.toUnsignedString(e.uid()).length());
            wGid = Math.max(wGid, Integer.toUnsignedString(e.gid()).length());
            wSize = Math.max(wSize, Long.toString(e.size()).length());
        }
        for (FileInfo e : entries) {
            out.println(longLine(e, wLinks, wUid, wGid, wSize));
        }
    }

    /**
     * One line of {@code ls -l}.
     *
     * @param e the entry
     * @param wLinks width of the links column
     * @param wUid width of the uid column
     * @param wGid width of the gid column
     * @param wSize width of the size column
     * @return such as {@code -rw-r--r-- 1 0 0 1048576 2026-11-25 21:27 a.bin}
     */
    static String longLine(FileInfo e, int wLinks, int wUid, int wGid, int wSize) {
        String time = TIME.format(Instant.ofEpochSecond(Math.floorDiv(e.mtimeNanos(), 1_000_000_000L)));
        return FileInfo.modeString(e.mode()) + " " + pad(Long.toString(e.nlink()), wLinks) + " "
                + pad(Integer.toUnsignedString(e.uid()), wUid) + " " + pad(Integer.toUnsignedString(e.gid()), wGid) + " "
                + pad(Long.toString(e.size()), wSize) + " " + time + " " + e.name()
                + (e.linkTarget() != null ? " -> " + e.linkTarget() : "");
    }

    private static String pad(String s, int w) {
        return " ".repeat(Math.max(0, w - s.length())) + s;
    }
}
