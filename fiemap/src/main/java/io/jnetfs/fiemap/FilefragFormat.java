package io.jnetfs.fiemap;

/**
 * Renders {@link Extents} the way {@code filefrag -v -e} (e2fsprogs 1.47) prints them, for the CLI and
 * for eyes:
 *
 * <pre>
 *  ext:     logical_offset:        physical_offset: length:   expected: flags:
 *    0:        0..     255:    5847296..   5847551:    256:             unwritten
 *    1:      256..     271:    5836752..   5836767:     16:    5847552: last,unwritten,eof
 * </pre>
 *
 * <p>Offsets are in units of {@code blockSize} (filefrag uses the filesystem block size), except for
 * an extent with {@link FiemapExtentFlags#FIEMAP_EXTENT_DATA_INLINE}, which is printed in bytes. As
 * filefrag does: an extent with {@link FiemapExtentFlags#FIEMAP_EXTENT_UNKNOWN} shows physical
 * {@code 0..0} and length 0; {@code expected} is the physical block where the extent would have been
 * had it continued the previous one, printed only where it is not; {@code eof} is added when the extent
 * reaches the file size. Column widths grow with the numbers but are otherwise filefrag's (8 logical,
 * 10 physical), so the text matches filefrag's field for field, not always byte for byte.
 */
public final class FilefragFormat {
    private static final int MIN_LOGICAL_WIDTH = 8;
    private static final int MIN_PHYSICAL_WIDTH = 10;

    private FilefragFormat() {
    }

    /**
     * The header line and one line per extent, each ending in {@code '\n'}; nothing when there are no
     * extents (filefrag prints no header then either).
     *
     * @param extents the extents, as a FIEMAP query returned them
     * @param fileSize the file's size in bytes ({@code st_size}), for the {@code eof} flag
     * @param blockSize the unit of the offsets, a power of two (filefrag: the filesystem block size)
     * @return the text
     * @throws IllegalArgumentException if {@code blockSize} is not a power of two
     */
    public static String format(Extents extents, long fileSize, int blockSize) {
        if (blockSize <= 0 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("invalid blockSize=" + blockSize);
        }
        int n = extents.count();
        StringBuilder b = new StringBuilder();
        if (n == 0) {
            return "";
        }
        int shift = Integer.numberOfTrailingZeros(blockSize);
        int lw = MIN_LOGICAL_WIDTH;
        int pw = MIN_PHYSICAL_WIDTH;
        for (int i = 0; i < n; i++) {
            lw = Math.max(lw, digits(extents.end(i) >>> shift));
            pw = Math.max(pw, digits((extents.physical(i) + extents.length(i)) >>> shift));
        }
        b.append(" ext: ").append(pad("logical_offset:", lw * 2 + 3))
                .append(' ').append(pad("physical_offset:", pw * 2 + 3))
                .append(" length: ").append(pad("expected:", pw + 1)).append(" flags:\n");
        // filefrag compares the first extent with an all-zero "previous" one
        long prevLogical = 0;
        long prevPhysical = 0;
        long prevLength = 0;
        for (int i = 0; i < n; i++) {
            long logical = extents.logical(i);
            long physical = extents.physical(i);
            long length = extents.length(i);
            int flags = extents.flags(i);
            boolean unknown = (flags & FiemapExtentFlags.FIEMAP_EXTENT_UNKNOWN) != 0;
            int s = (flags & FiemapExtentFlags.FIEMAP_EXTENT_DATA_INLINE) != 0 ? 0 : shift;
            long expected = prevPhysical + logical - prevLogical;
            boolean showExpected = !unknown && logical != 0 && physical != expected
                    && physical != prevPhysical + prevLength;
            long lastBlock = (length - 1) >>> s;
            long physicalBlock = unknown ? 0 : physical >>> s;
            b.append(pad(Integer.toString(i), 4)).append(": ")
                    .append(pad(Long.toString(logical >>> s), lw)).append("..")
                    .append(pad(Long.toString((logical >>> s) + lastBlock), lw)).append(": ")
                    .append(pad(Long.toString(physicalBlock), pw)).append("..")
                    .append(pad(Long.toString(physicalBlock + (unknown ? 0 : lastBlock)), pw)).append(": ")
                    .append(pad(Long.toString(unknown ? 0 : length >>> s), 6)).append(": ");
            if (showExpected) {
                b.append(pad(Long.toString(expected >>> s), pw)).append(": ");
            } else {
                b.append(" ".repeat(pw + 2));
            }
            String words = FiemapExtentFlags.filefragNames(flags);
            if (logical + length >= fileSize) {
                words = words.isEmpty() ? "eof" : words + ",eof";
            }
            b.append(words).append('\n');
            prevLogical = logical;
            prevPhysical = physical;
            prevLength = length;
        }
        return b.toString();
    }

    /**
     * The number filefrag prints as "N extents found": extents that do not continue the previous one
     * physically (so two extents split only by the filesystem's maximum extent length count once).
     *
     * @param extents the extents of a whole file
     * @return the fragment count; 0 for a file without extents
     */
    public static int fragments(Extents extents) {
        int total = 0;
        long prevLogical = 0;
        long prevPhysical = 0;
        long prevLength = 0;
        for (int i = 0; i < extents.count(); i++) {
            long logical = extents.logical(i);
            long physical = extents.physical(i);
            if (logical != 0 && physical != prevPhysical + logical - prevLogical
                    && physical != prevPhysical + prevLength) {
                total++;
            } else if (total == 0) {
                total = 1;
            }
            prevLogical = logical;
            prevPhysical = physical;
            prevLength = extents.length(i);
        }
        return total;
    }

    private static int digits(long v) {
        return Long.toString(v).length();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
