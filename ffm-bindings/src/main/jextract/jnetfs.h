/*
 * jnetfs umbrella header: everything jnetfs binds from libc and the kernel's UAPI headers.
 * jextract reads this file with the filter argfile beside it (includes.txt); see `make bindings`.
 *
 * _GNU_SOURCE is deliberately NOT defined: with it, glibc declares the socket calls' address
 * arguments as transparent unions (__SOCKADDR_ARG), which jextract cannot bind. The few GNU-only
 * functions and flags we need are declared below with the exact glibc prototypes instead.
 */
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <stdio.h>
#include <errno.h>
#include <linux/fs.h>
#include <linux/fiemap.h>
#include <linux/falloc.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <linux/time_types.h>
/* FUSE: the kernel protocol (Debian's headers are protocol 7.38) and what mounting it takes: mount(2),
 * umount2(2), and posix_spawnp(3) + waitpid(2) to run fusermount3 with the socket it sends the
 * /dev/fuse descriptor back over (ProcessBuilder closes every descriptor above 2 in the child). */
#include <linux/fuse.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <spawn.h>
#include <signal.h>

/* GNU-only declarations (see above), prototypes as glibc 2.36 declares them under _GNU_SOURCE. */
extern ssize_t preadv2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags);
extern ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags);
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addr_len, int flags);
extern int fallocate(int fd, int mode, off_t offset, off_t len);
extern int syncfs(int fd);
extern int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                     unsigned int flags);
extern ssize_t getdents64(int fd, void *buffer, size_t length);
extern int gettid(void);
extern int pipe2(int pipefd[2], int flags);

/* open(2) flags that glibc exposes only under _GNU_SOURCE; the values are glibc's own. */
#ifndef O_DIRECT
#define O_DIRECT __O_DIRECT
#endif
#ifndef O_NOATIME
#define O_NOATIME __O_NOATIME
#endif
#ifndef O_PATH
#define O_PATH __O_PATH
#endif
#ifndef O_TMPFILE
#define O_TMPFILE __O_TMPFILE
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY __O_DIRECTORY
#endif
#ifndef O_NOFOLLOW
#define O_NOFOLLOW __O_NOFOLLOW
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC __O_CLOEXEC
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef MAP_POPULATE
#define MAP_POPULATE 0x08000
#endif

/*
 * io_uring UAPI newer than the 6.1 headers Debian ships, declared with the values of the kernel's
 * include/uapi/linux/io_uring.h (the release that added each is named). Constants the kernel
 * declares as macros are guarded by #ifndef; enum constants and structs by the headers' version, so
 * newer headers take over unchanged.
 */
#include <linux/version.h>
#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE (1U << 4)        /* 6.12: the buffer will get more completions */
#endif
#ifndef IORING_OFF_PBUF_RING
#define IORING_OFF_PBUF_RING 0x80000000ULL     /* 6.4: mmap offset of an IOU_PBUF_RING_MMAP ring */
#endif
#ifndef IORING_OFF_PBUF_SHIFT
#define IORING_OFF_PBUF_SHIFT 16               /* 6.4: the buffer group id's shift in that offset */
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
/* enum io_uring_register_pbuf_ring_flags: struct io_uring_buf_reg.flags (named pad before 6.4) */
enum {
	IOU_PBUF_RING_MMAP = 1,                /* 6.4: the kernel allocates the ring; mmap it */
};
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
enum {
	IOU_PBUF_RING_INC = 2,                 /* 6.12: buffers consumed incrementally */
};
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
/* enum io_uring_socket_op: the cmd_op of IORING_OP_URING_CMD on a socket (6.7) */
enum {
	SOCKET_URING_OP_SIOCINQ = 0,
	SOCKET_URING_OP_SIOCOUTQ,
	SOCKET_URING_OP_GETSOCKOPT,
	SOCKET_URING_OP_SETSOCKOPT,
};
#endif

/* splice(2) flags that glibc exposes only under _GNU_SOURCE; the values are glibc's own. */
#ifndef SPLICE_F_MOVE
#define SPLICE_F_MOVE 1
#endif
#ifndef SPLICE_F_NONBLOCK
#define SPLICE_F_NONBLOCK 2
#endif
#ifndef SPLICE_F_MORE
#define SPLICE_F_MORE 4
#endif
