package io.jnetfs.fuse;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@code FuseAutoUnmountTest}: mounts a {@link MemFs} with {@code auto_unmount}, prints
 * {@code MOUNTED}, and dies without unmounting ({@link Runtime#halt}) as a killed daemon would.
 */
public final class DyingMountMain {
    private DyingMountMain() {
    }

    /**
     * @param args the mountpoint
     * @throws Exception any failure
     */
    public static void main(String[] args) throws Exception {
        Path mnt = Path.of(args[0]);
        FuseSession s = FuseSession.mount(mnt, new MemFs(), new FuseOptions().autoUnmount(true).fsName("dying"));
        Files.writeString(mnt.resolve("f"), "x");
        System.out.println("MOUNTED " + s.mountMethod());
        System.out.flush();
        Runtime.getRuntime().halt(3);
    }
}
