package io.jnetfs.uring;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.RefTrace;

import java.util.Arrays;

/**
 * The table of operations between {@code prep*} and their last completion, one slot each.
 *
 * <p>A slot holds the caller's 64-bit {@code userData}, the opcode and descriptor (for messages), and
 * strong references to the memory the SQE points at (the "pin" and an optional attachment), so memory
 * from an automatic arena cannot be reclaimed while the kernel may still read or write it. The
 * {@code user_data} given to the kernel is a {@link UserData} of (opcode, slot, generation): the
 * generation changes each time a slot is reused, so a stale token (for example an ASYNC_CANCEL target
 * that has already completed) never matches a newer operation.
 *
 * <p>Free slots are a stack; the table doubles when full (an allocation only when more operations are
 * in flight than ever before). Not thread-safe: {@link IoUring} confines it.
 */
final class InFlight {
    /** The slot id of the ring's own operations (close-time cancellation): never a table index. */
    static final int INTERNAL_SLOT = -1;

    private long[] userData;
    private byte[] opcode;
    private int[] fd;
    private short[] generation;
    private boolean[] used;
    private Object[] pin;
    private Object[] attachment;
    /** A bvecq segment on which the operation holds a reference, put at its last completion. */
    private Bvecq[] segment;
    private int[] free;
    private int freeTop;
    private int count;

    InFlight(int capacity) {
        userData = new long[capacity];
        opcode = new byte[capacity];
        fd = new int[capacity];
        generation = new short[capacity];
        used = new boolean[capacity];
        pin = new Object[capacity];
        attachment = new Object[capacity];
        segment = new Bvecq[capacity];
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        freeTop = capacity;
    }

    /**
     * Takes a slot for a new operation.
     *
     * @return the slot
     */
    int acquire(int op, int descriptor, long user, Object keep) {
        if (freeTop == 0) {
            grow();
        }
        int slot = free[--freeTop];
        userData[slot] = user;
        opcode[slot] = (byte) op;
        fd[slot] = descriptor;
        pin[slot] = keep;
        used[slot] = true;
        count++;
        return slot;
    }

    private void grow() {
        int n = userData.length;
        int m = n * 2;
        userData = Arrays.copyOf(userData, m);
        opcode = Arrays.copyOf(opcode, m);
        fd = Arrays.copyOf(fd, m);
        generation = Arrays.copyOf(generation, m);
        used = Arrays.copyOf(used, m);
        pin = Arrays.copyOf(pin, m);
        attachment = Arrays.copyOf(attachment, m);
        segment = Arrays.copyOf(segment, m);
        free = Arrays.copyOf(free, m);
        for (int i = m - 1; i >= n; i--) {
            free[freeTop++] = i;
        }
    }

    /** @return the kernel {@code user_data} for the operation in {@code slot} */
    long token(int slot) {
        return UserData.encode(opcode[slot] & 0xFF, slot, generation[slot] & 0xFFFF);
    }

    /**
     * @param token a kernel {@code user_data} made by {@link #token(int)}
     * @return its slot if that slot still holds the operation the token was made for, else -1
     */
    int slotOf(long token) {
        int slot = UserData.id(token);
        if (slot < 0 || slot >= used.length || !used[slot]
                || (generation[slot] & 0xFFFF) != UserData.data(token)) {
            return -1;
        }
        return slot;
    }

    /**
     * Frees {@code slot}: drops its references, puts its segment reference, and makes its next token
     * differ.
     */
    void release(int slot) {
        Bvecq s = segment[slot];
        if (s != null) {
            segment[slot] = null;
            s.put(RefTrace.SQE_INFLIGHT);
        }
        pin[slot] = null;
        attachment[slot] = null;
        used[slot] = false;
        generation[slot]++;
        free[freeTop++] = slot;
        count--;
    }

    long userData(int slot) {
        return userData[slot];
    }

    int opcode(int slot) {
        return opcode[slot] & 0xFF;
    }

    int fd(int slot) {
        return fd[slot];
    }

    void attach(int slot, Object o) {
        attachment[slot] = o;
    }

    /** Hands {@code slot} a reference already taken on {@code s}, to put at its last completion. */
    void holdSegment(int slot, Bvecq s) {
        segment[slot] = s;
    }

    /** @return operations in flight (prepared and not finally completed) */
    int count() {
        return count;
    }

    /**
     * @param o an object an operation may pin
     * @return whether an operation in flight pins or attached {@code o} (not a hot path: a scan)
     */
    boolean pins(Object o) {
        for (int i = 0; i < used.length; i++) {
            if (used[i] && (pin[i] == o || attachment[i] == o)) {
                return true;
            }
        }
        return false;
    }

    /** @return the slots in use, for close-time cancellation */
    int[] usedSlots() {
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i < used.length && k < count; i++) {
            if (used[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** @return the references held by slots still in use, to keep alive after an abandoned close */
    Object[] heldReferences() {
        Object[] out = new Object[3 * count];
        int k = 0;
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                out[k++] = pin[i];
                out[k++] = attachment[i];
                out[k++] = segment[i]; // its reference is never put: the kernel may still use the memory
            }
        }
        return out;
    }

    /** @return a description of the operations in flight, for messages */
    String describe(int max) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < used.length && shown < max; i++) {
            if (used[i]) {
                sb.append(shown == 0 ? "" : ", ").append(Opcode.name(opcode[i] & 0xFF)).append("(fd=")
                        .append(fd[i]).append(')');
                shown++;
            }
        }
        if (count > shown) {
            sb.append(", ... ").append(count - shown).append(" more");
        }
        return sb.toString();
    }
}
