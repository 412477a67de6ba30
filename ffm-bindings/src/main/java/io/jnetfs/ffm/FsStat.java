package io.jnetfs.ffm;

/**
 * What {@code statfs(2)} says about the file system holding a file, as far as jnetfs reads it:
 * {@link PathCalls#statfs} fills it from {@code struct statfs}.
 *
 * @param type {@code f_type}: the file system's magic number ({@code 0xef53} for ext4)
 * @param blockSize {@code f_bsize}: its block size
 */
public record FsStat(long type, long blockSize) {
}
