#define _GNU_SOURCE
#include "CShims.h"

#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <malloc.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

const uint32_t CSHIM_EPOLLIN = EPOLLIN;
const uint32_t CSHIM_EPOLLOUT = EPOLLOUT;
const uint32_t CSHIM_EPOLLERR = EPOLLERR;
const uint32_t CSHIM_EPOLLHUP = EPOLLHUP;
const uint32_t CSHIM_EPOLLRDHUP = EPOLLRDHUP;
const uint32_t CSHIM_EPOLLET = EPOLLET;
const int CSHIM_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
const int CSHIM_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
const int CSHIM_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
const int CSHIM_SO_REUSEPORT = SO_REUSEPORT;
const int CSHIM_TCP_NODELAY = TCP_NODELAY;
const int CSHIM_MSG_NOSIGNAL = MSG_NOSIGNAL;
const int CSHIM_SOCK_STREAM = SOCK_STREAM;

int cshim_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cshim_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

static int has_pwait2 = 1;

int cshim_epoll_wait(int epfd, cshim_epoll_event *out, int maxevents, int64_t timeout_ns) {
    // The kernel struct is packed on x86_64; copy into the unpacked layout Swift sees.
    struct epoll_event evs[256];
    if (maxevents > 256) maxevents = 256;
    int n = -1;
    if (has_pwait2) {
        struct timespec ts;
        ts.tv_sec = timeout_ns / 1000000000LL;
        ts.tv_nsec = timeout_ns % 1000000000LL;
        n = epoll_pwait2(epfd, evs, maxevents, timeout_ns < 0 ? NULL : &ts, NULL);
        if (n < 0 && errno == ENOSYS) has_pwait2 = 0;
    }
    if (!has_pwait2) {
        int timeout_ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
        n = epoll_wait(epfd, evs, maxevents, timeout_ms);
    }
    for (int i = 0; i < n; i++) {
        out[i].events = evs[i].events;
        out[i].data = evs[i].data.u64;
    }
    return n;
}

int cshim_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int cshim_timerfd_create(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC); }

int cshim_timerfd_arm(int fd, int64_t ns) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof spec);
    if (ns > 0) {
        spec.it_value.tv_sec = ns / 1000000000LL;
        spec.it_value.tv_nsec = ns % 1000000000LL;
    }
    return timerfd_settime(fd, 0, &spec, NULL);
}

static void fill_set(sigset_t *set, const int *signals, int n) {
    sigemptyset(set);
    for (int i = 0; i < n; i++) sigaddset(set, signals[i]);
}

int cshim_block_signals(const int *signals, int n) {
    sigset_t set;
    fill_set(&set, signals, n);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int cshim_signalfd(const int *signals, int n) {
    sigset_t set;
    fill_set(&set, signals, n);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int cshim_signalfd_read(int fd, int32_t *pid, int32_t *status) {
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    if (n < 0) return (errno == EAGAIN) ? 0 : -1;
    if (n != sizeof info) return -1;
    if (pid) *pid = (int32_t)info.ssi_pid;
    if (status) *status = info.ssi_status;
    return (int)info.ssi_signo;
}

void cshim_reset_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    pthread_sigmask(SIG_SETMASK, &set, NULL);
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP) continue;
        signal(s, SIG_DFL);
    }
}

int cshim_accept4(int fd, struct sockaddr *addr, socklen_t *len) {
    return accept4(fd, addr, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int cshim_pipe2(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cshim_socket(int domain, int type) { return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); }

int cshim_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }
int cshim_fork_snapshot_child(void) {
    pid_t pid = fork();
    if (pid == 0) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return pid;
}
size_t cshim_heap_bytes_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}
int cshim_waitpid_nohang(int pid, int *status) {
    int r;
    do { r = waitpid(pid, status, WNOHANG); } while (r < 0 && errno == EINTR);
    return r;
}
int cshim_wifexited(int status) { return WIFEXITED(status); }
int cshim_wexitstatus(int status) { return WEXITSTATUS(status); }
int cshim_wifsignaled(int status) { return WIFSIGNALED(status); }
int cshim_wtermsig(int status) { return WTERMSIG(status); }
int cshim_gettid(void) { return (int)syscall(SYS_gettid); }
int cshim_getrandom(void *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom((char *)buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

// MARK: - passwords (libcrypt)

const size_t CSHIM_CRYPT_OUTPUT_SIZE = CRYPT_OUTPUT_SIZE;

// crypt_rn with a per-call `struct crypt_data` (about 32 KiB: on the heap, not a worker's stack); the
// data holds the phrase's derived state, so it is wiped before it is freed.
static int crypt_into(const char *password, const char *setting, char *out, size_t outlen) {
    struct crypt_data *data = calloc(1, sizeof *data);
    if (data == NULL) return -1;
    int result = -1;
    char *hashed = crypt_rn(password, setting, data, (int)sizeof *data);
    if (hashed != NULL && hashed[0] != '*') {
        size_t length = strlen(hashed);
        if (length < outlen) {
            memcpy(out, hashed, length + 1);
            result = 0;
        }
    }
    explicit_bzero(data, sizeof *data);
    free(data);
    return result;
}

int cshim_crypt_hash(const char *password, char *out, size_t outlen) {
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    // NULL random bytes: libcrypt draws the salt from the kernel itself (getentropy).
    if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, (int)sizeof setting) == NULL) return -1;
    return crypt_into(password, setting, out, outlen);
}

int cshim_crypt_check(const char *password, const char *hash) {
    char computed[CRYPT_OUTPUT_SIZE];
    if (crypt_into(password, hash, computed, sizeof computed) != 0) return 0;
    size_t length = strlen(hash);
    if (strlen(computed) != length) return 0;
    unsigned char difference = 0;
    for (size_t i = 0; i < length; i++) difference |= (unsigned char)(computed[i] ^ hash[i]);
    explicit_bzero(computed, sizeof computed);
    return difference == 0;
}

// MARK: - spawning

static void child_fail(int fd, int code) {
    int e = code;
    ssize_t ignored = write(fd, &e, sizeof e);
    (void)ignored;
    _exit(127);
}

int cshim_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd,
                const char *cwd, int die_with_parent) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;
    pid_t parent = getpid();
    // vfork, not fork: the child borrows the parent's memory until it execs instead of copying its
    // page tables, which for a multi-threaded Swift process made every spawn cost ~2.5 ms (100 instances:
    // 276 ms of spawning, now 53 ms). The calling thread is suspended until the exec (it would wait for
    // the report pipe anyway); other threads run on. The child below only makes system calls, writes
    // nothing but its own locals (and errno), and leaves through execve or _exit.
    pid_t pid = vfork();
    if (pid < 0) {
        int e = errno;
        close(report[0]);
        close(report[1]);
        return -e;
    }
    if (pid == 0) {
        // Child: async-signal-safe calls only until execve. Dispositions first, then the mask: a signal
        // let in before its handler is reset would run the parent's handler on the borrowed stack.
        for (int s = 1; s < NSIG; s++) {
            if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (die_with_parent) {
            if (setpgid(0, 0) != 0) child_fail(report[1], errno);
            if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(report[1], errno);
            // The supervisor may have died between fork and prctl: then nobody would kill us.
            if (getppid() != parent) _exit(127);
        } else if (setsid() < 0) {
            child_fail(report[1], errno);
        }
        int null_fd = open("/dev/null", O_RDWR);
        if (null_fd < 0) child_fail(report[1], errno);
        if (dup2(null_fd, 0) < 0) child_fail(report[1], errno);
        if (dup2(stdout_fd >= 0 ? stdout_fd : null_fd, 1) < 0) child_fail(report[1], errno);
        if (dup2(stderr_fd >= 0 ? stderr_fd : null_fd, 2) < 0) child_fail(report[1], errno);
        if (cwd != NULL && chdir(cwd) != 0) child_fail(report[1], errno);
        // Only 0, 1 and 2 survive the exec. An inherited descriptor is not just a leak: a daemon that
        // keeps its launcher's pipe or socket open hides the launcher's exit from whoever watches that
        // descriptor (Foundation's Process waits for its child's socket to close), and an instance that
        // keeps a supervisor socket open keeps it alive after the supervisor is gone. CLOEXEC rather than
        // close: `report[1]` must stay open until the exec succeeds.
        if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
            for (int fd = 3; fd < 65536; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        execve(path, argv, envp);
        child_fail(report[1], errno);
    }
    close(report[1]);
    int child_errno = 0;
    ssize_t n;
    do {
        n = read(report[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof child_errno) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return -child_errno;
    }
    return pid;
}

int cshim_spawn_watchdog(int control_fd) {
    pid_t pid = fork();
    if (pid < 0) return -errno;
    if (pid > 0) return pid;
    // Watchdog child: plain C only (no Swift runtime after fork in a threaded process).
    setpgid(0, 0);
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);  // ignore Ctrl-C and SIGTERM sent to the supervisor's group
    // Keep only the control pipe (moved to descriptor 3): the watchdog must hold no listener or pipe
    // of the supervisor's open, or their peers would never see them close.
    if (control_fd != 3) {
        dup2(control_fd, 3);
        control_fd = 3;
    }
    if (syscall(SYS_close_range, 4, ~0U, 0) != 0) {
        for (int fd = 4; fd < 65536; fd++) close(fd);
    }
    prctl(PR_SET_NAME, (unsigned long)"stack-watchdog", 0, 0, 0);
    static int32_t groups[16384];
    int count = 0;
    int32_t value;
    for (;;) {
        ssize_t n = read(control_fd, &value, sizeof value);
        if (n < 0 && errno == EINTR) continue;
        if (n != (ssize_t)sizeof value) break;
        if (value > 0) {
            if (count < (int)(sizeof groups / sizeof groups[0])) groups[count++] = value;
        } else if (value < 0) {
            for (int i = 0; i < count; i++) {
                if (groups[i] == -value) {
                    groups[i] = groups[--count];
                    break;
                }
            }
        } else {
            // 0: the supervisor is shutting down cleanly; nothing left to guard.
            _exit(0);
        }
    }
    for (int i = 0; i < count; i++) kill(-groups[i], SIGKILL);
    _exit(0);
}

int cshim_set_child_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

int cshim_reap(int *status) {
    int pid;
    do {
        pid = waitpid(-1, status, WNOHANG);
    } while (pid < 0 && errno == EINTR);
    if (pid < 0 && errno == ECHILD) return 0;
    return pid;
}
