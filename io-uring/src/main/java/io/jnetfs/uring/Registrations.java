package io.jnetfs.uring;

import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.io_uring_probe;
import io.jnetfs.ffm.gen.io_uring_probe_op;
import io.jnetfs.ffm.gen.io_uring_rsrc_register;
import io.jnetfs.ffm.gen.io_uring_rsrc_update;
import io.jnetfs.ffm.gen.io_uring_rsrc_update2;
import io.jnetfs.ffm.gen.iovec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a ring has registered with {@code io_uring_register}, and the calls that change it.
 *
 * <pre>
 *   fixed buffers  IORING_REGISTER_BUFFERS2 (dense, or SPARSE slots) / BUFFERS_UPDATE / UNREGISTER_BUFFERS
 *                  index i --&gt; [address, length] kept here, so prep*Fixed can check a buffer is inside
 *                  slot i, and the segments kept reachable while registered
 *   fixed files    IORING_REGISTER_FILES2 / FILES_UPDATE2 / UNREGISTER_FILES: a count of slots
 *   probe          IORING_REGISTER_PROBE: which opcodes the kernel supports
 *   ring fd        IORING_REGISTER_RING_FDS / UNREGISTER_RING_FDS: the ring's own descriptor, in the
 *                  calling thread's task, so io_uring_enter can skip the descriptor lookup
 *   buffer rings   IORING_REGISTER_PBUF_RING / UNREGISTER_PBUF_RING: see BufferRing
 * </pre>
 *
 * <p>Registration is not a hot path: each call allocates its argument structures in a confined arena.
 * Every failure names the register opcode and its arguments with the errno. Not thread-safe:
 * {@link IoUring} confines it.
 */
final class Registrations {
    /** The kernel's limit on one registered buffer. */
    private static final long MAX_FIXED_BUFFER = 1L << 30;

    private final int ringFd;
    private long[] fixedAddress = new long[0];
    private long[] fixedLength = new long[0];
    /** Keeps the registered buffers reachable until unregistered. */
    private MemorySegment[] fixedBuffers = new MemorySegment[0];
    private int fixedFiles;

    Registrations(int ringFd) {
        this.ringFd = ringFd;
    }

    /** io_uring_register, or an IOException naming {@code what} and the errno. */
    int register(int opcode, MemorySegment arg, int nrArgs, String what) throws IOException {
        int r = Native.ioUringRegister(ringFd, opcode, arg, nrArgs);
        if (r < 0) {
            throw Errors.ioException("io_uring_register(fd=" + ringFd + ", " + what + ")", -r);
        }
        return r;
    }

    // ---- fixed buffers --------------------------------------------------------------------------

    void registerBuffers(MemorySegment[] buffers) throws IOException {
        if (fixedAddress.length > 0) {
            throw new IllegalStateException("buffers already registered (" + fixedAddress.length
                    + "): unregisterBuffers() or updateBuffers() first");
        }
        for (int i = 0; i < buffers.length; i++) {
            checkFixed(buffers[i], "buffers[" + i + "]", false);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = iovecs(buffers, a);
            MemorySegment reg = io_uring_rsrc_register.allocate(a);
            io_uring_rsrc_register.nr(reg, buffers.length);
            io_uring_rsrc_register.data(reg, iov.address());
            register(LibC.IORING_REGISTER_BUFFERS2(), reg, (int) reg.byteSize(),
                    "IORING_REGISTER_BUFFERS2, nr=" + buffers.length);
        }
        fixedAddress = new long[buffers.length];
        fixedLength = new long[buffers.length];
        fixedBuffers = buffers.clone();
        for (int i = 0; i < buffers.length; i++) {
            fixedAddress[i] = buffers[i].address();
            fixedLength[i] = buffers[i].byteSize();
        }
    }

    void registerBuffersSparse(int nr) throws IOException {
        if (fixedAddress.length > 0) {
            throw new IllegalStateException("buffers already registered (" + fixedAddress.length
                    + "): unregisterBuffers() first");
        }
        if (nr < 1) {
            throw new IllegalArgumentException("nr must be positive: nr=" + nr);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = io_uring_rsrc_register.allocate(a);
            io_uring_rsrc_register.nr(reg, nr);
            io_uring_rsrc_register.flags(reg, LibC.IORING_RSRC_REGISTER_SPARSE());
            register(LibC.IORING_REGISTER_BUFFERS2(), reg, (int) reg.byteSize(),
                    "IORING_REGISTER_BUFFERS2, nr=" + nr + ", flags=IORING_RSRC_REGISTER_SPARSE");
        }
        fixedAddress = new long[nr];
        fixedLength = new long[nr];
        fixedBuffers = new MemorySegment[nr];
    }

    void updateBuffers(int offset, MemorySegment[] buffers) throws IOException {
        if (offset < 0 || offset + buffers.length > fixedAddress.length) {
            throw new IllegalArgumentException("update out of the " + fixedAddress.length + " registered buffers: offset="
                    + offset + ", nr=" + buffers.length);
        }
        for (int i = 0; i < buffers.length; i++) {
            checkFixed(buffers[i], "buffers[" + i + "]", true);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = iovecs(buffers, a);
            MemorySegment up = io_uring_rsrc_update2.allocate(a);
            io_uring_rsrc_update2.offset(up, offset);
            io_uring_rsrc_update2.data(up, iov.address());
            io_uring_rsrc_update2.nr(up, buffers.length);
            register(LibC.IORING_REGISTER_BUFFERS_UPDATE(), up, (int) up.byteSize(),
                    "IORING_REGISTER_BUFFERS_UPDATE, offset=" + offset + ", nr=" + buffers.length);
        }
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment b = buffers[i];
            fixedBuffers[offset + i] = b;
            fixedAddress[offset + i] = b == null ? 0 : b.address();
            fixedLength[offset + i] = b == null ? 0 : b.byteSize();
        }
    }

    void unregisterBuffers() throws IOException {
        register(LibC.IORING_UNREGISTER_BUFFERS(), MemorySegment.NULL, 0, "IORING_UNREGISTER_BUFFERS");
        fixedAddress = new long[0];
        fixedLength = new long[0];
        fixedBuffers = new MemorySegment[0];
    }

    /** @return how many buffer slots are registered (0 if none) */
    int buffers() {
        return fixedAddress.length;
    }

    /**
     * @return the index of a registered buffer that contains {@code [address, address + length)}, or -1
     */
    int fixedIndexOf(long address, long length) {
        long[] a = fixedAddress;
        long[] l = fixedLength;
        for (int i = 0; i < a.length; i++) {
            long start = a[i];
            if (address >= start && address + length <= start + l[i] && l[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks that {@code [address, address + len)} lies inside registered buffer {@code bufIndex}.
     *
     * @throws IllegalArgumentException naming the index, the range and the registered buffer if not
     */
    void checkInside(int bufIndex, long address, int len, String name) {
        if (bufIndex < 0 || bufIndex >= fixedAddress.length) {
            throw new IllegalArgumentException("buf_index out of the " + fixedAddress.length
                    + " registered buffers: bufIndex=" + bufIndex);
        }
        long start = fixedAddress[bufIndex];
        if (address < start || address + len > start + fixedLength[bufIndex]) {
            throw new IllegalArgumentException(name + " is not inside registered buffer " + bufIndex + ": " + name
                    + ".address()=0x" + Long.toHexString(address) + ", len=" + len + ", registered=[0x"
                    + Long.toHexString(start) + ", +" + fixedLength[bufIndex] + ")");
        }
    }

    private static void checkFixed(MemorySegment b, String name, boolean nullAllowed) {
        if (b == null) {
            if (!nullAllowed) {
                throw new IllegalArgumentException(name + " is null");
            }
            return;
        }
        SqeArgs.checkNative(b, name);
        if (b.byteSize() == 0 || b.byteSize() > MAX_FIXED_BUFFER) {
            throw new IllegalArgumentException(name + " must hold 1 byte to 1 GiB: " + name + ".byteSize()="
                    + b.byteSize());
        }
    }

    private static MemorySegment iovecs(MemorySegment[] buffers, Arena a) {
        MemorySegment iov = iovec.allocateArray(Math.max(1, buffers.length), a);
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment e = iovec.asSlice(iov, i);
            MemorySegment b = buffers[i];
            iovec.iov_base(e, b == null ? MemorySegment.NULL : b);
            iovec.iov_len(e, b == null ? 0 : b.byteSize());
        }
        return iov;
    }

    // ---- fixed files ----------------------------------------------------------------------------

    void registerFiles(int[] fds) throws IOException {
        if (fixedFiles > 0) {
            throw new IllegalStateException("files already registered (" + fixedFiles
                    + "): unregisterFiles() or updateFiles() first");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = a.allocateFrom(ValueLayout.JAVA_INT, fds.length == 0 ? new int[] {-1} : fds);
            MemorySegment reg = io_uring_rsrc_register.allocate(a);
            io_uring_rsrc_register.nr(reg, fds.length);
            io_uring_rsrc_register.data(reg, arr.address());
            register(LibC.IORING_REGISTER_FILES2(), reg, (int) reg.byteSize(), "IORING_REGISTER_FILES2, nr=" + fds.length);
        }
        fixedFiles = fds.length;
    }

    int updateFiles(int offset, int[] fds) throws IOException {
        if (offset < 0 || offset + fds.length > fixedFiles) {
            throw new IllegalArgumentException("update out of the " + fixedFiles + " registered files: offset="
                    + offset + ", nr=" + fds.length);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = a.allocateFrom(ValueLayout.JAVA_INT, fds.length == 0 ? new int[] {-1} : fds);
            MemorySegment up = io_uring_rsrc_update2.allocate(a);
            io_uring_rsrc_update2.offset(up, offset);
            io_uring_rsrc_update2.data(up, arr.address());
            io_uring_rsrc_update2.nr(up, fds.length);
            return register(LibC.IORING_REGISTER_FILES_UPDATE2(), up, (int) up.byteSize(),
                    "IORING_REGISTER_FILES_UPDATE2, offset=" + offset + ", nr=" + fds.length);
        }
    }

    void unregisterFiles() throws IOException {
        register(LibC.IORING_UNREGISTER_FILES(), MemorySegment.NULL, 0, "IORING_UNREGISTER_FILES");
        fixedFiles = 0;
    }

    /** @return how many file slots are registered (0 if none) */
    int files() {
        return fixedFiles;
    }

    // ---- the ring's own descriptor ----------------------------------------------------------------

    /**
     * Registers the ring's descriptor in the calling thread's task ({@code IORING_REGISTER_RING_FDS},
     * Linux 5.18), at a slot the kernel picks.
     *
     * @return the registered index, to pass to io_uring_enter with IORING_ENTER_REGISTERED_RING
     */
    int registerRingFd() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = io_uring_rsrc_update.allocate(a);
            io_uring_rsrc_update.offset(up, -1);
            io_uring_rsrc_update.data(up, ringFd);
            register(LibC.IORING_REGISTER_RING_FDS(), up, 1, "IORING_REGISTER_RING_FDS, offset=-1 (any slot), data="
                    + ringFd);
            return io_uring_rsrc_update.offset(up);
        }
    }

    /** Unregisters the ring's descriptor at {@code index} from the calling thread's task. */
    void unregisterRingFd(int index) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment up = io_uring_rsrc_update.allocate(a);
            io_uring_rsrc_update.offset(up, index);
            register(LibC.IORING_UNREGISTER_RING_FDS(), up, 1, "IORING_UNREGISTER_RING_FDS, offset=" + index);
        }
    }

    // ---- probe ----------------------------------------------------------------------------------

    Probe probe() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int nr = 256;
            MemorySegment p = a.allocate(io_uring_probe.sizeof() + nr * io_uring_probe_op.sizeof(), 8);
            register(LibC.IORING_REGISTER_PROBE(), p, nr, "IORING_REGISTER_PROBE, nr_args=" + nr);
            return Probe.read(p);
        }
    }
}
