package io.jnetfs.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top command, {@code jnetfs}: its subcommands, the options they share, and how output is written. */
@Command(name = "jnetfs", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = JnetfsCommand.Version.class,
        sortOptions = false,
        description = {
            "Copy, list and manage files on 9P2000.L servers through the jnetfs netfs engine and its disk cache.",
            "",
            "Remote paths are 9p://HOST[:PORT]/PATH or p9://HOST[:PORT]/PATH (port 564 by default) inside the export "
                + "named by --aname; local paths are plain paths.", ""},
        subcommands = {CatCommand.class, CpCommand.class, LsCommand.class, StatCommand.class, RmCommand.class,
            MkdirCommand.class, MvCommand.class, ExtentsCommand.class, StatsCommand.class, CacheCommand.class,
            DemoCommand.class, ServeCommand.class, MountCommand.class, UmountCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0    success",
            "  1    bad command line",
            "  2    no such file or directory (ENOENT, ENOTDIR)",
            "  3    permission denied (EACCES, EPERM, EROFS)",
            "  4    no space left (ENOSPC, EDQUOT)",
            "  5    server unreachable or connection lost (ECONNREFUSED, ETIMEDOUT, ...)",
            "  6    other I/O error",
            "  7    a tool the command needs is missing (the demo's diod)",
            "  130  interrupted (Ctrl-C); no partial file is left under a destination's name"})
public final class JnetfsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions options;

    @Spec
    CommandSpec spec;

    private Terminal terminal;
    private List<String> args = List.of();

    /** Made by picocli. */
    public JnetfsCommand() {
    }

    /**
     * Sets where commands write and the command line, before execution.
     *
     * @param terminal stdout, stderr and whether stderr is a terminal
     * @param args the command line, for the counters' record
     */
    void prepare(Terminal terminal, List<String> args) {
        this.terminal = terminal;
        this.args = List.copyOf(args);
    }

    /** {@return the options every command shares} */
    CommonOptions options() {
        return options;
    }

    /** {@return where commands write} */
    Terminal terminal() {
        return terminal;
    }

    /**
     * Starts a run of a subcommand.
     *
     * @return the run, which the subcommand closes
     * @throws CommandFailure for option values out of range
     */
    Run newRun() throws CommandFailure {
        return new Run("jnetfs " + String.join(" ", args), options, terminal);
    }

    /** Without a subcommand: the usage, and exit code 1. */
    @Override
    public Integer call() {
        spec.commandLine().usage(terminal.err());
        return ExitCodes.USAGE;
    }

    /** The version from the jar's manifest. */
    public static final class Version implements IVersionProvider {
        /** Made by picocli. */
        public Version() {
        }

        @Override
        public String[] getVersion() {
            String v = JnetfsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"jnetfs " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
