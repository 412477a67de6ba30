package io.jnetfs.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/**
 * The entry point of {@code jnetfs} ({@code bin/jnetfs} runs {@code java -jar jnetfs.jar}): parses the
 * command line with picocli, runs the subcommand, and turns a failure into one line on stderr,
 * {@code jnetfs: COMMAND: WHAT: WHY}, and an exit code of {@link ExitCodes}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs {@code jnetfs} as a process: exits with the command's exit code. Partial files are removed
     * on Ctrl-C by a shutdown hook.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Partials.installShutdownHook(err);
        ConsoleLog.install(err);
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        int code = run(stdout, err, Terminal.stderrIsTty(), Terminal.columns(), args);
        System.exit(code);
    }

    /**
     * Runs {@code jnetfs} in this JVM (what tests do): no shutdown hook, no exit.
     *
     * @param stdout where stdout goes
     * @param stderr where stderr goes
     * @param args the command line
     * @return the exit code
     */
    public static int run(OutputStream stdout, OutputStream stderr, String... args) {
        return run(stdout, stderr, false, 80, args);
    }

    /**
     * Runs {@code jnetfs}.
     *
     * @param stdout where stdout goes
     * @param stderr where stderr goes
     * @param stderrIsTerminal whether stderr is a terminal (progress bars)
     * @param width the terminal's width
     * @param args the command line
     * @return the exit code
     */
    static int run(OutputStream stdout, OutputStream stderr, boolean stderrIsTerminal, int width, String... args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8), false);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        Terminal terminal = new Terminal(stdout, out, err, stderrIsTerminal, width);
        JnetfsCommand top = new JnetfsCommand();
        CommandLine cl = new CommandLine(top);
        top.prepare(terminal, List.of(args));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOverwrittenOptionsAllowed(true); // the last --aname (or any option) given wins
        cl.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            err.println("jnetfs: " + commandName(c) + ex.getMessage());
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            err.println("jnetfs: " + commandName(c) + message(ex));
            if (top.options() != null && top.options().verbose()) {
                for (Throwable t = ex instanceof CommandFailure ? ex.getCause() : ex; t != null; t = t.getCause()) {
                    err.println("jnetfs:   because: " + t);
                }
                if (!(ex instanceof CommandFailure) || ex.getCause() != null) {
                    ex.printStackTrace(err);
                }
            }
            return ExitCodes.of(ex);
        });
        int code;
        try {
            code = cl.execute(args);
        } finally {
            out.flush();
            err.flush();
            try {
                stdout.flush();
            } catch (java.io.IOException e) {
                // reported by the command that wrote
            }
        }
        return code;
    }

    private static String commandName(CommandLine c) {
        return c.getCommandSpec().parent() == null ? "" : c.getCommandName() + ": ";
    }

    private static String message(Exception ex) {
        if (ex instanceof CommandFailure) {
            return ex.getMessage();
        }
        if (ex instanceof java.io.IOException) {
            return CommandFailure.reason(ex);
        }
        return "internal error: " + ex; // a bug: -v prints the stack
    }
}
