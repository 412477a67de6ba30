/**
 * The {@code jnetfs} command: what a person runs. {@link io.jnetfs.cli.Main} parses the command line
 * with picocli into one of the subcommands ({@code cat}, {@code cp}, {@code ls}, {@code stat},
 * {@code rm}, {@code mkdir}, {@code mv}, {@code extents}, {@code stats}, {@code cache}, {@code demo}).
 *
 * <p>Operands are local paths or remote ones, {@code 9p://HOST[:PORT]/PATH} (port 564 by default);
 * both sides are reached through one {@link io.jnetfs.cli.Filesystem} interface, the remote side through
 * the netfs engine with its disk cache ({@link io.jnetfs.cli.RemoteSession}). A failure becomes one line
 * on stderr naming what failed and why ({@link io.jnetfs.cli.CommandFailure}) and an exit code of
 * {@link io.jnetfs.cli.ExitCodes}. Copies go to a partial file beside the destination and are renamed
 * into place only when complete ({@link io.jnetfs.cli.Partials} removes them on failure and on Ctrl-C).
 */
package io.jnetfs.cli;
