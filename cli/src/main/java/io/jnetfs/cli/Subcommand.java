package io.jnetfs.cli;

import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand does around its work: start a {@link Run} (settings, sessions, counters), run,
 * and close it (which closes the sessions and keeps or prints the counters).
 */
@Command // no attributes: lets picocli's annotation processor check the @ParentCommand and @Spec below
abstract class Subcommand implements Callable<Integer> {
    /** The commands that read and write no file data: their connections set up no io_uring ring. */
    private static final Set<String> METADATA_ONLY = Set.of("stat", "ls", "mkdir", "rm");

    @ParentCommand
    JnetfsCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (Run run = parent.newRun()) {
            run.metadataOnly(METADATA_ONLY.contains(spec.name()));
            return execute(run);
        } finally {
            parent.terminal().out().flush();
            parent.terminal().stdout().flush();
        }
    }

    /**
     * The command's work.
     *
     * @param run the run: operands resolved through it, output written through it
     * @return the exit code
     * @throws Exception a {@link CommandFailure} naming what failed, or any other failure
     */
    abstract int execute(Run run) throws Exception;

    /** {@return the subcommand's name, as error messages show it} */
    String name() {
        return spec.name();
    }
}
