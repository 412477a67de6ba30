package io.jnetfs.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fuse.FuseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount options that change the data path, on real mounts of {@code jnetfs serve}: {@code direct_io}
 * (every read and write reaches jnetfs), the kernel's writeback cache, and {@code ro}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MountOptionsTest {
    @TempDir
    Path tmp;

    Mounted mount(boolean directIo, boolean readOnly, boolean writebackCache) throws Exception {
        Mounted.requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(export.resolve("existing"), "already here\n");
        Duration t = Duration.ofMillis(200);
        return new Mounted(Remote.jnetfsServe(export), tmp.resolve("mnt"), new MountSettings(t, t, directIo, readOnly, 16),
                new FuseOptions().fsName("9p-test").subtype("jnetfs").attrTimeout(t).entryTimeout(t)
                        .directIo(directIo).readOnly(readOnly).writebackCache(writebackCache).transport(transport()));
    }

    /** {@return the FUSE transport: /dev/fuse here, io_uring in MountOptionsUringTest} */
    FuseOptions.Transport transport() {
        return FuseOptions.Transport.DEV;
    }

    private static final String DATA_SCRIPT = "head -c 20000000 /dev/urandom > src.bin && cp src.bin mnt/a"
            + " && cmp src.bin mnt/a && cmp src.bin export/a"
            + " && echo one > mnt/log && echo two >> mnt/log && test \"$(cat export/log)\" = \"$(printf 'one\\ntwo')\""
            + " && dd if=src.bin of=mnt/a bs=4096 seek=7 count=3 conv=notrunc status=none"
            + " && dd if=src.bin of=src.patched bs=1M status=none && dd if=src.bin of=src.patched bs=4096 seek=7"
            + " count=3 conv=notrunc status=none && cmp src.patched mnt/a && cmp src.patched export/a"
            + " && mkdir mnt/t && tar c -C mnt a log | tar x -C mnt/t && cmp src.patched export/t/a";

    @Test
    void directIoServesEveryReadAndWriteFromTheEngine() throws Exception {
        try (Mounted m = mount(true, false, false)) {
            Mounted.sh(tmp, 120, DATA_SCRIPT);
        }
    }

    @Test
    void theKernelsWritebackCacheLosesNothing() throws Exception {
        try (Mounted m = mount(false, false, true)) {
            Mounted.sh(tmp, 120, DATA_SCRIPT + " && sync mnt/a");
        }
    }

    @Test
    void readOnlyRefusesChangesAndReads() throws Exception {
        try (Mounted m = mount(false, true, false)) {
            String out = Mounted.sh(tmp, 30, "cat mnt/existing && (echo x > mnt/new 2>&1 || true)"
                    + " && (mkdir mnt/d 2>&1 || true)");
            assertTrue(out.contains("already here"), out);
            assertTrue(out.contains("Read-only file system"), out);
            assertEquals(1, Files.list(m.remote.export).count(), "nothing made on the server");
        }
    }
}
