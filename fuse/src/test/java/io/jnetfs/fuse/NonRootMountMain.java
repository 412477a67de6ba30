package io.jnetfs.fuse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Run by {@code FuseNonRootTest} as an unprivileged user: mounts a {@link MemFs} through fusermount3
 * (the only way without root), uses it, unmounts, and prints {@code OK uid=N method=M} when all went well.
 */
public final class NonRootMountMain {
    private NonRootMountMain() {
    }

    /**
     * @param args the mountpoint (a directory the user owns)
     * @throws Exception any failure, which makes the exit status non-zero
     */
    public static void main(String[] args) throws Exception {
        Path mnt = Path.of(args[0]);
        MemFs fs = new MemFs();
        FuseOptions.MountMethod method;
        try (FuseSession s = FuseSession.mount(mnt, fs, new FuseOptions().threads(2).fsName("nonroot"))) {
            method = s.mountMethod();
            Files.writeString(mnt.resolve("f"), "written by an unprivileged user");
            if (!Files.readString(mnt.resolve("f")).equals("written by an unprivileged user")) {
                throw new AssertionError("read back wrong bytes");
            }
            try (Stream<Path> l = Files.list(mnt)) {
                if (l.count() != 1) {
                    throw new AssertionError("expected one entry");
                }
            }
            s.unmount(false);
            if (!s.awaitTermination(java.time.Duration.ofSeconds(20))) {
                throw new AssertionError("the session did not end after fusermount3 -u");
            }
        }
        System.out.println("OK uid=" + io.jnetfs.ffm.Native.getuid() + " method=" + method);
    }
}
