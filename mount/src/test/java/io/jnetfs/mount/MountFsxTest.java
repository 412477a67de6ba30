package io.jnetfs.mount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An fsx-style random sequence of system calls on one file of a real mount (pwrite, pread, ftruncate,
 * mmap reads, fsync, close and reopen) against a model kept in memory; at the end the file on the mount,
 * the file on the server and the model are the same bytes. A fixed seed: a failure repeats.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MountFsxTest {
    private static final int OPS = 600;
    private static final int MAX_SIZE = 3 << 20;

    @TempDir
    Path tmp;

    /** Mounts on /dev/fuse here, on io_uring in MountFsxUringTest. */
    Mounted mount(Path export) throws java.io.IOException {
        return Mounted.of(Remote.jnetfsServe(export), tmp.resolve("mnt"), io.jnetfs.fuse.FuseOptions.Transport.DEV);
    }

    @Test
    void randomOperationsAgreeWithTheModel() throws Exception {
        Mounted.requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        try (Mounted m = mount(export)) {
            int fidsAtMount = m.remote.client.liveFids();
            Path f = m.dir.resolve("fsx");
            Random r = new Random(21);
            byte[] model = new byte[0];
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                for (int op = 0; op < OPS; op++) {
                    int kind = r.nextInt(100);
                    String what = "op " + op;
                    if (kind < 40) { // pwrite
                        int at = r.nextInt(MAX_SIZE);
                        int len = 1 + r.nextInt(r.nextBoolean() ? 300 : 200_000);
                        len = Math.min(len, MAX_SIZE - at);
                        byte[] b = new byte[len];
                        r.nextBytes(b);
                        ByteBuffer bb = ByteBuffer.wrap(b);
                        while (bb.hasRemaining()) {
                            ch.write(bb, at + bb.position());
                        }
                        if (at + len > model.length) {
                            model = Arrays.copyOf(model, at + len);
                        }
                        System.arraycopy(b, 0, model, at, len);
                    } else if (kind < 70) { // pread
                        int at = model.length == 0 ? 0 : r.nextInt(model.length);
                        int len = 1 + r.nextInt(150_000);
                        ByteBuffer bb = ByteBuffer.allocate(len);
                        int n = 0;
                        while (bb.hasRemaining()) {
                            int k = ch.read(bb, at + bb.position());
                            if (k < 0) {
                                break;
                            }
                            n += k;
                        }
                        int want = Math.max(0, Math.min(len, model.length - at));
                        assertEquals(want, n, what + ": pread(" + at + ", " + len + ") size");
                        assertArrayEquals(Arrays.copyOfRange(model, at, at + want), Arrays.copyOf(bb.array(), n),
                                what + ": pread(" + at + ", " + len + ")");
                    } else if (kind < 80) { // ftruncate, down or up
                        int size = r.nextInt(MAX_SIZE);
                        if (size < ch.size()) {
                            ch.truncate(size);
                        } else {
                            ch.write(ByteBuffer.allocate(0), size); // no-op write; grow with a byte at the end
                            if (size > 0) {
                                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
                            }
                        }
                        model = Arrays.copyOf(model, size);
                    } else if (kind < 88 && model.length > 0) { // mmap read
                        int at = r.nextInt(model.length);
                        int len = Math.min(model.length - at, 1 + r.nextInt(100_000));
                        byte[] got = mmapRead(ch, at, len);
                        assertArrayEquals(Arrays.copyOfRange(model, at, at + len), got, what + ": mmap(" + at + ")");
                    } else if (kind < 94) {
                        ch.force(r.nextBoolean());
                    } else { // close and open again: FLUSH, RELEASE, OPEN
                        ch.close();
                        ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    }
                    assertEquals(model.length, ch.size(), what + ": size");
                }
            } finally {
                ch.close();
            }
            assertArrayEquals(model, Files.readAllBytes(f), "the mount at the end");
            assertArrayEquals(model, Files.readAllBytes(export.resolve("fsx")), "the server at the end");
            m.mount.close();
            assertEquals(fidsAtMount, m.remote.client.liveFids(), "every fid clunked once the mount ended");
        }
    }

    private static final MethodHandle MEMCPY = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("memcpy").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    /**
     * Reads {@code len} bytes at {@code at} through a mapping of the file. The page faults happen in a native
     * memcpy, not in Java code: this JVM also serves the mount, and a thread faulting on a FUSE page from Java
     * code holds off every safepoint until the fault is answered, while the worker that must answer it may be
     * waiting for that safepoint (a JVM that serves a FUSE mount must never touch its mappings from Java).
     */
    private static byte[] mmapRead(FileChannel ch, long at, int len) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, at, len, arena);
            MemorySegment copy = arena.allocate(len);
            try {
                MemorySegment ignored = (MemorySegment) MEMCPY.invokeExact(copy, map, (long) len);
            } catch (Throwable t) {
                throw new IOException("memcpy from the mapping", t);
            }
            return copy.toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
