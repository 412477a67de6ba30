package io.jnetfs.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jnetfs umount [-l] MOUNTPOINT}: unmounts a {@code jnetfs mount} and returns once its process
 * has written back what was dirty and exited.
 */
@Command(name = "umount", description = {"Unmount a jnetfs mount; returns when its process has written back and exited."})
final class UmountCommand extends Subcommand {
    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "Where it is mounted.")
    Path mountpoint;

    @Option(names = {"-l", "--lazy"}, description = "Detach now, finish when the last file on it is closed.")
    boolean lazy;

    @Override
    int execute(Run run) throws Exception {
        Path mp = mountpoint.toAbsolutePath().normalize();
        String type = Mounts.typeOf(mp);
        if (type == null || !type.startsWith("fuse")) {
            throw CommandFailure.of(mp.toString(), "not a jnetfs mount" + (type == null ? "" : " (" + type + ")"),
                    ExitCodes.USAGE);
        }
        long pid = Mounts.pid(run.settings().stateDir(), mp);
        Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
        String failed = Mounts.unmount(mp, lazy);
        if (failed != null) {
            throw CommandFailure.of(mp.toString(), "unmount: " + failed, ExitCodes.IO);
        }
        if (process.isPresent() && !lazy && pid != ProcessHandle.current().pid()) {
            try {
                process.get().onExit().get(run.settings().timeout().toSeconds() + 30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw CommandFailure.of(mp.toString(), "unmounted, but process " + pid + " has not exited",
                        ExitCodes.IO);
            }
        }
        run.verbose("unmounted " + mp);
        return ExitCodes.OK;
    }
}
