/*
 * no-io-uring: runs a command with io_uring refused the way Docker's default seccomp profile refuses it.
 *
 *   no-io-uring COMMAND [ARG]...
 *   no-io-uring --probe      exit 0 if this process may set up an io_uring (no filter installed), else 1
 *
 * Installs a seccomp filter that answers io_uring_setup, io_uring_enter and io_uring_register with EPERM
 * (every other system call is allowed), then execs COMMAND. The filter is inherited by every process
 * the command starts (Maven, the forked test JVMs, the servers they start) and cannot be removed, so
 * the whole run sees what a container sees. Nothing outside this process tree is touched: no sysctl.
 *
 * The io_uring system call numbers are the same on every architecture (the unified table since Linux
 * 5.1): 425, 426, 427. A process without CAP_SYS_ADMIN may install a filter only with no_new_privs set,
 * which also keeps setuid programs (fusermount3) from gaining privileges; root keeps them.
 *
 * Compiled at run time by .ci/no-io-uring (gcc), never committed as a binary.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define JNETFS_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define JNETFS_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "no-io-uring: only x86-64 and aarch64"
#endif

#define NR_IO_URING_SETUP 425
#define NR_IO_URING_ENTER 426
#define NR_IO_URING_REGISTER 427

/* io_uring_setup(1, params): whether the kernel (and any filter already on this process) allows a ring */
static int probe(void) {
    unsigned char params[120] = {0}; /* sizeof(struct io_uring_params) */
    long fd = syscall(NR_IO_URING_SETUP, 1, params);
    if (fd < 0) {
        fprintf(stderr, "no-io-uring: io_uring_setup refused here: %s\n", strerror(errno));
        return 1;
    }
    close((int) fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
        return probe();
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s COMMAND [ARG]...\n", argv[0]);
        return 2;
    }
    struct sock_filter filter[] = {
        /* a foreign architecture's system call numbers mean something else: refuse them all */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, JNETFS_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_IO_URING_SETUP, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_IO_URING_ENTER, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_IO_URING_REGISTER, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
    };
    struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
        if (errno != EACCES) {
            fprintf(stderr, "no-io-uring: seccomp(SECCOMP_SET_MODE_FILTER) failed: %s\n", strerror(errno));
            return 125;
        }
        /* not privileged: the kernel allows a filter only under no_new_privs */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
                || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
            fprintf(stderr, "no-io-uring: seccomp filter refused: %s\n", strerror(errno));
            return 125;
        }
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "no-io-uring: %s: %s\n", argv[1], strerror(errno));
    return errno == ENOENT ? 127 : 126;
}
