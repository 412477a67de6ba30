package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.gen.LibC;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protocol constants the public API spells out (opcodes, INIT, FOPEN and FATTR flags) against the
 * jextract-generated values of the system's {@code linux/fuse.h}, and the struct sizes the protocol
 * fixes against the generated layouts the dispatcher uses.
 */
class FuseDescriptorTest {
    @Test
    void publicConstantsMatchTheKernelHeader() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Class<?> k : List.of(FuseOpcode.class, FuseConnInfo.class, FuseOpen.class, FuseSetattr.class)) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isPublic(m) || !Modifier.isStatic(m) || !f.getName().matches("(FUSE|FOPEN|FATTR)_[A-Z0-9_]+")) {
                    continue;
                }
                Method gen = LibC.class.getMethod(f.getName());
                long expected = ((Number) gen.invoke(null)).longValue();
                long actual = ((Number) f.get(null)).longValue();
                checked++;
                if (expected != actual) {
                    mismatches.add(k.getSimpleName() + "." + f.getName() + "=" + actual + ", linux/fuse.h says " + expected);
                }
            }
        }
        assertEquals(List.of(), mismatches);
        assertTrue(checked > 80, "checked only " + checked + " constants");
        assertEquals(LibC.FUSE_ROOT_ID(), FuseFilesystem.ROOT_ID);
        assertEquals(LibC.FUSE_WRITE_CACHE(), FuseFilesystem.WRITE_CACHE);
        assertEquals(LibC.FUSE_WRITE_KILL_SUIDGID(), FuseFilesystem.WRITE_KILL_SUIDGID);
    }

    @Test
    void structSizesAreTheProtocols() {
        assertEquals(40, FuseDescriptor.IN_HEADER_SIZE);
        assertEquals(16, FuseDescriptor.OUT_HEADER_SIZE);
        assertEquals(64, FuseDescriptor.INIT_IN_SIZE);
        assertEquals(64, FuseDescriptor.INIT_OUT_SIZE);
        assertEquals(24, FuseDescriptor.INIT_OUT_COMPAT_22_SIZE);
        assertEquals(88, FuseDescriptor.ATTR_SIZE);
        assertEquals(128, FuseDescriptor.ENTRY_OUT_SIZE);
        assertEquals(104, FuseDescriptor.ATTR_OUT_SIZE);
        assertEquals(40, FuseDescriptor.READ_IN_SIZE);
        assertEquals(40, FuseDescriptor.WRITE_IN_SIZE);
        assertEquals(88, FuseDescriptor.SETATTR_IN_SIZE);
        assertEquals(80, FuseDescriptor.STATFS_OUT_SIZE);
        assertEquals(24, FuseDescriptor.DIRENT_SIZE);
        assertEquals(FuseDescriptor.DIRENT_NAME, FuseDescriptor.DIRENT_SIZE);
        assertEquals(152, FuseDescriptor.DIRENTPLUS_SIZE);
        assertEquals(128, FuseDescriptor.DIRENTPLUS_DIRENT);
        assertEquals(32, FuseDescriptor.direntAlign(25));
        assertEquals(24, FuseDescriptor.direntAlign(24));
    }

    @Test
    void opcodeNames() {
        assertEquals("LOOKUP", FuseOpcode.name(FuseOpcode.FUSE_LOOKUP));
        assertEquals("READDIRPLUS", FuseOpcode.name(44));
        assertEquals("opcode=9999", FuseOpcode.name(9999));
        assertEquals("opcode=4294967295", FuseOpcode.name(-1));
    }
}
