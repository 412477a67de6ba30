package io.jnetfs.fiemap;

import io.jnetfs.ffm.gen.LibC;

/**
 * The {@code fe_flags} bits of a {@code struct fiemap_extent}, under their kernel names
 * ({@code include/uapi/linux/fiemap.h}), and their decoding into words for printing.
 *
 * <p>What each flag says about the bytes of the extent, and what the cache makes of it
 * ({@link FiemapOccupancy}):
 * <table>
 *   <caption>FIEMAP_EXTENT_* flags</caption>
 *   <tr><th>flag</th><th>kernel meaning</th><th>data for the cache?</th></tr>
 *   <tr><td>LAST</td><td>last extent the kernel mapped</td><td>no effect</td></tr>
 *   <tr><td>UNKNOWN</td><td>data location unknown</td><td>only after FIEMAP_FLAG_SYNC</td></tr>
 *   <tr><td>DELALLOC</td><td>location pending (sets UNKNOWN)</td><td>only after FIEMAP_FLAG_SYNC</td></tr>
 *   <tr><td>ENCODED</td><td>data cannot be read while the fs is unmounted</td><td>yes</td></tr>
 *   <tr><td>DATA_ENCRYPTED</td><td>data encrypted by the fs</td><td>yes</td></tr>
 *   <tr><td>NOT_ALIGNED</td><td>offsets may not be block aligned</td><td>yes</td></tr>
 *   <tr><td>DATA_INLINE</td><td>data stored with metadata (sets NOT_ALIGNED)</td><td>yes</td></tr>
 *   <tr><td>DATA_TAIL</td><td>several files in one block (sets NOT_ALIGNED)</td><td>yes</td></tr>
 *   <tr><td>UNWRITTEN</td><td>space allocated, no data (reads as zeros)</td><td>no: a hole</td></tr>
 *   <tr><td>MERGED</td><td>the fs has no extents; blocks merged for the answer</td><td>yes</td></tr>
 *   <tr><td>SHARED</td><td>space shared with other files (reflink)</td><td>yes</td></tr>
 * </table>
 */
public final class FiemapExtentFlags {
    /** Last extent in the file; iomap-based filesystems (ext4, xfs) also set it on the last extent of a range. */
    public static final int FIEMAP_EXTENT_LAST = LibC.FIEMAP_EXTENT_LAST();
    /** Data location unknown: {@code fe_physical} is meaningless. */
    public static final int FIEMAP_EXTENT_UNKNOWN = LibC.FIEMAP_EXTENT_UNKNOWN();
    /** Location still pending (delayed allocation); the kernel sets UNKNOWN with it. */
    public static final int FIEMAP_EXTENT_DELALLOC = LibC.FIEMAP_EXTENT_DELALLOC();
    /** Data cannot be read while the filesystem is unmounted. */
    public static final int FIEMAP_EXTENT_ENCODED = LibC.FIEMAP_EXTENT_ENCODED();
    /** Data is encrypted by the filesystem. */
    public static final int FIEMAP_EXTENT_DATA_ENCRYPTED = LibC.FIEMAP_EXTENT_DATA_ENCRYPTED();
    /** Extent offsets may not be block aligned. */
    public static final int FIEMAP_EXTENT_NOT_ALIGNED = LibC.FIEMAP_EXTENT_NOT_ALIGNED();
    /** Data mixed with metadata (ext4 inline data, in-inode xattrs); sets NOT_ALIGNED. */
    public static final int FIEMAP_EXTENT_DATA_INLINE = LibC.FIEMAP_EXTENT_DATA_INLINE();
    /** Multiple files in one block (tail packing); sets NOT_ALIGNED. */
    public static final int FIEMAP_EXTENT_DATA_TAIL = LibC.FIEMAP_EXTENT_DATA_TAIL();
    /** Space allocated but no data written: reads return zeros. */
    public static final int FIEMAP_EXTENT_UNWRITTEN = LibC.FIEMAP_EXTENT_UNWRITTEN();
    /** The filesystem does not support extents natively; the answer merges blocks. */
    public static final int FIEMAP_EXTENT_MERGED = LibC.FIEMAP_EXTENT_MERGED();
    /** Space shared with other files. */
    public static final int FIEMAP_EXTENT_SHARED = LibC.FIEMAP_EXTENT_SHARED();

    /** Every flag above, in bit order. */
    private static final int[] FLAGS = {
        FIEMAP_EXTENT_LAST, FIEMAP_EXTENT_UNKNOWN, FIEMAP_EXTENT_DELALLOC, FIEMAP_EXTENT_ENCODED,
        FIEMAP_EXTENT_DATA_ENCRYPTED, FIEMAP_EXTENT_NOT_ALIGNED, FIEMAP_EXTENT_DATA_INLINE,
        FIEMAP_EXTENT_DATA_TAIL, FIEMAP_EXTENT_UNWRITTEN, FIEMAP_EXTENT_MERGED, FIEMAP_EXTENT_SHARED,
    };
    /** Kernel names without the {@code FIEMAP_EXTENT_} prefix, parallel to {@link #FLAGS}. */
    private static final String[] NAMES = {
        "LAST", "UNKNOWN", "DELALLOC", "ENCODED", "DATA_ENCRYPTED", "NOT_ALIGNED", "DATA_INLINE",
        "DATA_TAIL", "UNWRITTEN", "MERGED", "SHARED",
    };
    /** The words {@code filefrag -v} (e2fsprogs 1.47) prints, parallel to {@link #FLAGS}. */
    private static final String[] FILEFRAG_NAMES = {
        "last", "unknown_loc", "delalloc", "encoded", "encrypted", "not_aligned", "inline",
        "tail_packed", "unwritten", "merged", "shared",
    };

    /** The union of every flag this class names. */
    public static final int KNOWN_FLAGS;

    static {
        int all = 0;
        for (int f : FLAGS) {
            all |= f;
        }
        KNOWN_FLAGS = all;
    }

    private FiemapExtentFlags() {
    }

    /**
     * The kernel name of one flag.
     *
     * @param flag a single FIEMAP_EXTENT_* bit
     * @return for example {@code "FIEMAP_EXTENT_LAST"}
     * @throws IllegalArgumentException if {@code flag} is not one known bit
     */
    public static String name(int flag) {
        for (int i = 0; i < FLAGS.length; i++) {
            if (FLAGS[i] == flag) {
                return "FIEMAP_EXTENT_" + NAMES[i];
            }
        }
        throw new IllegalArgumentException("invalid flag=0x" + Integer.toHexString(flag));
    }

    /**
     * Decodes {@code fe_flags} into kernel names without the prefix, joined by {@code |}, in bit order;
     * bits this class does not know are printed in hex.
     *
     * @param flags an {@code fe_flags} value
     * @return for example {@code "LAST|UNKNOWN|DELALLOC"}, {@code "SHARED|0x4000"}, or {@code ""} for 0
     */
    public static String names(int flags) {
        return join(flags, NAMES, '|');
    }

    /**
     * Decodes {@code fe_flags} into the words {@code filefrag -v} prints, joined by {@code ,}; bits this
     * class does not know are printed the way filefrag prints them ({@code 0x4000}). filefrag's own
     * {@code eof} word is not a kernel flag and is added by {@link FilefragFormat}.
     *
     * @param flags an {@code fe_flags} value
     * @return for example {@code "last,unknown_loc,delalloc"}
     */
    public static String filefragNames(int flags) {
        return join(flags, FILEFRAG_NAMES, ',');
    }

    private static String join(int flags, String[] words, char separator) {
        StringBuilder b = new StringBuilder();
        int rest = flags;
        for (int i = 0; i < FLAGS.length; i++) {
            if ((rest & FLAGS[i]) != 0) {
                append(b, words[i], separator);
                rest &= ~FLAGS[i];
            }
        }
        while (rest != 0) {
            int bit = Integer.lowestOneBit(rest);
            append(b, String.format("%#04x", bit), separator);
            rest &= ~bit;
        }
        return b.toString();
    }

    private static void append(StringBuilder b, String word, char separator) {
        if (!b.isEmpty()) {
            b.append(separator);
        }
        b.append(word);
    }
}
