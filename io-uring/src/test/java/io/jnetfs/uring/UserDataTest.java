package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The bit packing of user_data round-trips every field. */
class UserDataTest {

    @Property
    void encodeThenDecodeGivesEveryFieldBack(@ForAll @IntRange(min = 0, max = 255) int op, @ForAll int id,
                                            @ForAll @IntRange(min = 0, max = 65535) int data) {
        long u = UserData.encode(op, id, data);
        assertEquals(op, UserData.op(u));
        assertEquals(id, UserData.id(u));
        assertEquals(data, UserData.data(u));
    }

    @Test
    void outOfRangeFieldsAreRefusedWithTheirValue() {
        assertEquals("op out of 0..255: op=256",
                assertThrows(IllegalArgumentException.class, () -> UserData.encode(256, 0, 0)).getMessage());
        assertEquals("data out of 0..65535: data=-1",
                assertThrows(IllegalArgumentException.class, () -> UserData.encode(0, 0, -1)).getMessage());
    }

    @Test
    void opcodeNamesAreTheKernelNames() {
        assertEquals("IORING_OP_READV", Opcode.name(Opcode.IORING_OP_READV));
        assertEquals("IORING_OP_SENDMSG_ZC", Opcode.name(Opcode.IORING_OP_SENDMSG_ZC));
        assertEquals("IORING_OP_<250>", Opcode.name(250));
        assertEquals("IOSQE_IO_LINK|IOSQE_ASYNC", SqeFlags.names(SqeFlags.IOSQE_IO_LINK | SqeFlags.IOSQE_ASYNC));
    }
}
