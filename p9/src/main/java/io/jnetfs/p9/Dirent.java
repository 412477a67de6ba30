package io.jnetfs.p9;

/**
 * One entry of an Rreaddir: {@code qid[13] offset[8] type[1] name[s]}.
 *
 * @param qid the entry's qid
 * @param offset the Treaddir offset that continues after this entry
 * @param type the {@code DT_*} type of {@code getdents64} ({@code DT_DIR = 4}, {@code DT_REG = 8}, ...)
 * @param name the entry's name
 */
public record Dirent(Qid qid, long offset, int type, String name) {
}
