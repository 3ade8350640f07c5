// Thin C wrappers over Linux system calls and macros that Glibc's Swift module does not expose.
// _GNU_SOURCE is defined in shims.c only: defining it here would change the Glibc module's view.
#ifndef EVERGREEN_CSHIMS_H
#define EVERGREEN_CSHIMS_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <signal.h>

// MARK: - epoll
typedef struct {
    uint32_t events;
    uint64_t data;
} cshim_epoll_event;

extern const uint32_t CSHIM_EPOLLIN;
extern const uint32_t CSHIM_EPOLLOUT;
extern const uint32_t CSHIM_EPOLLERR;
extern const uint32_t CSHIM_EPOLLHUP;
extern const uint32_t CSHIM_EPOLLRDHUP;
extern const uint32_t CSHIM_EPOLLET;

int cshim_epoll_create(void);
int cshim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Fills `events` (at most `maxevents`); the layout is cshim_epoll_event, not the packed kernel struct.
/// `timeout_ns` < 0 waits forever. Uses epoll_pwait2 (nanosecond timeouts, Linux 5.11+) and falls back
/// to epoll_wait (milliseconds, rounded up) on older kernels.
int cshim_epoll_wait(int epfd, cshim_epoll_event *events, int maxevents, int64_t timeout_ns);
extern const int CSHIM_EPOLL_CTL_ADD;
extern const int CSHIM_EPOLL_CTL_MOD;
extern const int CSHIM_EPOLL_CTL_DEL;

// MARK: - eventfd, timerfd, signalfd
int cshim_eventfd(void);
int cshim_timerfd_create(void);
/// Arms a one-shot timer `ns` nanoseconds from now (0 disarms).
int cshim_timerfd_arm(int fd, int64_t ns);
/// Blocks the signals in `signals` (count `n`) for the calling thread and returns a signalfd for them.
int cshim_signalfd(const int *signals, int n);
/// Reads one pending signal from a signalfd: returns the signal number, 0 if none, -1 on error.
int cshim_signalfd_read(int fd, int32_t *pid, int32_t *status);
/// Blocks `signals` in the calling thread (so that threads started later inherit the mask).
int cshim_block_signals(const int *signals, int n);
/// Unblocks every signal and restores default dispositions: for a freshly forked child.
void cshim_reset_signals(void);

// MARK: - sockets and pipes
int cshim_accept4(int fd, struct sockaddr *addr, socklen_t *len);
int cshim_pipe2(int fds[2]);
int cshim_socket(int domain, int type);
extern const int CSHIM_SO_REUSEPORT;
extern const int CSHIM_TCP_NODELAY;
extern const int CSHIM_MSG_NOSIGNAL;
extern const int CSHIM_SOCK_STREAM;

// MARK: - processes
/// Asks the kernel to send `sig` to the caller when its parent dies (PR_SET_PDEATHSIG).
int cshim_set_parent_death_signal(int sig);
/// fork(2) for a snapshot child (BGSAVE, AOF rewrite): the child gets SIGKILL when the parent dies and
/// must only serialise memory and `_exit`. Returns the child's pid in the parent, 0 in the child, -1 on error.
int cshim_fork_snapshot_child(void);
/// Bytes the C heap has handed out and not taken back (mallinfo2: arena in-use plus mmapped blocks).
size_t cshim_heap_bytes_in_use(void);
/// Reaps `pid` without blocking: returns pid when it ended (status filled), 0 while it runs, -1 on error.
int cshim_waitpid_nohang(int pid, int *status);
int cshim_wifexited(int status);
int cshim_wexitstatus(int status);
int cshim_wifsignaled(int status);
int cshim_wtermsig(int status);
/// Thread id of the caller (gettid), for logs and loop confinement checks.
int cshim_gettid(void);
/// Fills `buf` with `len` random bytes from getrandom(2); returns 0 on success.
int cshim_getrandom(void *buf, size_t len);

// MARK: - passwords (libcrypt)
/// Size a buffer given to cshim_crypt_hash must have at least (crypt.h's CRYPT_OUTPUT_SIZE).
extern const size_t CSHIM_CRYPT_OUTPUT_SIZE;
/// Hashes the NUL-terminated `password` with yescrypt (`$y$`, libcrypt's default cost, a fresh salt from
/// the kernel's random source) into `out` (NUL-terminated, `outlen` >= CSHIM_CRYPT_OUTPUT_SIZE).
/// Thread-safe (crypt_rn over a heap `struct crypt_data`, wiped afterwards). Slow on purpose (tens of ms):
/// never call it on a thread that serves requests. Returns 0 on success, -1 on failure.
int cshim_crypt_hash(const char *password, char *out, size_t outlen);
/// 1 when `password` hashes to `hash` (a crypt(5) string) under the hash's own method and salt, 0 when
/// not or when `hash` is malformed. The final comparison is constant-time. Thread-safe, slow on purpose.
int cshim_crypt_check(const char *password, const char *hash);

// MARK: - spawning
/// Forks and execs `path` (argv, envp NULL-terminated) as the leader of a new process group, with
/// stdin from /dev/null, stdout/stderr on the given descriptors (-1: /dev/null), every signal reset to
/// its default and unblocked, `cwd` as working directory (NULL: inherited), and SIGKILL as its
/// parent-death signal, so it dies with the supervisor. Between fork and exec the child calls only
/// async-signal-safe functions. With `die_with_parent` 0 (a daemon) it starts a new session instead and
/// outlives its parent. Returns the pid, or -errno if the fork or the exec failed (an exec
/// failure is reported through a close-on-exec pipe, so ENOENT reaches the caller synchronously).
int cshim_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd,
                const char *cwd, int die_with_parent);
/// Starts the orphan watchdog: a forked child (no exec, no Swift runtime used) that reads process
/// group ids from `control_fd` (int32: > 0 adds, < 0 removes) and, when the supervisor dies and the
/// pipe reaches EOF, sends SIGKILL to every group still listed, then exits. Returns its pid or -errno.
int cshim_spawn_watchdog(int control_fd);
/// Marks the caller as a child subreaper (orphaned grandchildren are reparented to it and reaped).
int cshim_set_child_subreaper(void);
/// Reaps one exited child without blocking: returns its pid (and fills status), 0 if none, -1 on error.
int cshim_reap(int *status);

#endif
